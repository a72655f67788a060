import { describe, expect, it } from "vitest";
import { closeFrame, FrameBoundary } from "./websocket-frames.js";

const frame = (payloadLength: number, masked = false): Buffer => {
  const header =
    payloadLength < 126
      ? Buffer.from([0x82, payloadLength | (masked ? 0x80 : 0)])
      : Buffer.from([0x82, 126 | (masked ? 0x80 : 0), payloadLength >> 8, payloadLength & 0xff]);
  return Buffer.concat([header, Buffer.alloc(masked ? 4 : 0), Buffer.alloc(payloadLength, 1)]);
};

describe("WebSocket frames", () => {
  it("writes an unmasked close frame with code and reason", () => {
    expect([...closeFrame(1001, "Going Away")]).toEqual([0x88, 12, 0x03, 0xe9, ...Buffer.from("Going Away")]);
    expect(closeFrame(1001, "x".repeat(300)).length).toBe(127);
  });

  it("finds frame boundaries across chunks, stopping at the end of the frame in progress", () => {
    const stream = Buffer.concat([frame(10), frame(300, true), frame(0)]);
    const tracker = new FrameBoundary();
    expect(tracker.advance(stream.subarray(0, 13))).toBe(13); // first frame and one header byte of the next
    expect(tracker.atBoundary).toBe(false);
    const rest = stream.subarray(13);
    expect(tracker.advance(rest, true)).toBe(2 + 2 + 4 + 300 - 1);
    expect(tracker.atBoundary).toBe(true);
    expect(tracker.advance(rest.subarray(2 + 2 + 4 + 300 - 1))).toBe(2);
    expect(tracker.atBoundary).toBe(true);
  });
});
