import { describe, expect, it } from "vitest";
import { BodyTracker } from "./body-framing.js";

/** Feeds `bytes` split at `at` and returns where the tracker says the body ended (an offset into `bytes`). */
function endSplitAt(tracker: BodyTracker, bytes: Buffer, at: number): number | "open" | "malformed" {
  const first = tracker.scan(bytes.subarray(0, at), 0);
  if (first < 0) return "malformed";
  if (tracker.ended) return first;
  const second = tracker.scan(bytes.subarray(at), 0);
  if (second < 0) return "malformed";
  return tracker.ended ? at + second : "open";
}

const chunked = Buffer.from(
  "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Checksum: 42\r\nX-More: a b\r\n\r\n",
);
const next = Buffer.from("HTTP/1.1 200 OK\r\n");

describe("the fast path's body framing", () => {
  it("finds the end of a chunked body with extensions and trailers split at every byte offset", () => {
    const bytes = Buffer.concat([chunked, next]);
    for (let at = 0; at <= bytes.length; at++)
      expect(endSplitAt(new BodyTracker("chunked", 0), bytes, at), `split at ${at}`).toBe(chunked.length);
  });

  it("finds the end of a chunked body fed one byte at a time", () => {
    const tracker = new BodyTracker("chunked", 0);
    for (let i = 0; i < chunked.length; i++) {
      expect(tracker.ended).toBe(false);
      expect(tracker.scan(chunked.subarray(i, i + 1), 0)).toBe(1);
    }
    expect(tracker.ended).toBe(true);
  });

  it("counts a chunked body's data bytes, not its framing, at every split (the access log's size)", () => {
    const bytes = Buffer.concat([chunked, next]);
    for (let at = 0; at <= bytes.length; at++) {
      const tracker = new BodyTracker("chunked", 0);
      endSplitAt(tracker, bytes, at);
      expect(tracker.payload, `split at ${at}`).toBe("hello".length + 26);
    }
    const length = new BodyTracker("length", 10);
    length.scan(Buffer.from("0123456789HTTP"), 0);
    expect(length.payload).toBe(10);
  });

  it("ends a Content-Length body after its bytes, at every split, and stays open before", () => {
    const bytes = Buffer.from("0123456789HTTP/1.1");
    for (let at = 0; at <= bytes.length; at++)
      expect(endSplitAt(new BodyTracker("length", 10), bytes, at)).toBe(10);
    expect(endSplitAt(new BodyTracker("length", 10), Buffer.from("01234"), 2)).toBe("open");
  });

  it("has no body for framing none, and reads to the close for framing close", () => {
    const none = new BodyTracker("none", 0);
    expect(none.scan(Buffer.from("xyz"), 1)).toBe(1);
    expect(none.ended).toBe(true);
    const close = new BodyTracker("close", 0);
    expect(close.scan(Buffer.from("xyz"), 0)).toBe(3);
    expect(close.ended).toBe(false);
  });

  it.each([
    ["a size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"],
    ["no size", "\r\nhello\r\n0\r\n\r\n"],
    ["a bare LF after the size", "5\nhello\r\n0\r\n\r\n"],
    ["data longer than its size", "3\r\nhello\r\n0\r\n\r\n"],
    ["a size too large to be real", "fffffffffffffff\r\n"],
    ["a control in a trailer", "0\r\nX-A: \u0001\r\n\r\n"],
  ])("calls %s malformed", (_, text) => {
    const bytes = Buffer.from(text, "latin1");
    expect(endSplitAt(new BodyTracker("chunked", 0), bytes, bytes.length)).toBe("malformed");
  });
});
