import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ACCESS_LOG_FLUSH_MS, AccessLog, type AccessLogEntry } from "./access-log.js";

const entry = (requestId: string): AccessLogEntry => ({
  ts: "2026-01-01T00:00:00.000Z",
  method: "GET",
  host: "a.test",
  path: "/",
  status: 200,
  bytes: 2,
  durationMs: 1.5,
  upstream: "api",
  route: "shop/api/0",
  version: "r1",
  clientIp: "127.0.0.1",
  requestId,
});

function sink(): { out: Writable; writes: string[] } {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      writes.push(String(chunk));
      done();
    },
  });
  return { out, writes };
}

describe("AccessLog", () => {
  it("writes the lines of a flush interval in one write", async () => {
    const { out, writes } = sink();
    const log = new AccessLog(out);
    log.write(entry("a"));
    log.write(entry("b"));
    await new Promise((resolve) => setImmediate(resolve));
    log.write(entry("b2"));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, ACCESS_LOG_FLUSH_MS + 20));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).requestId),
    ).toEqual(["a", "b", "b2"]);
  });

  it("writes what is pending on flush, and nothing more once the stream broke", async () => {
    const { out, writes } = sink();
    const log = new AccessLog(out);
    log.write(entry("c"));
    log.flush();
    expect(writes).toHaveLength(1);
    out.destroy(new Error("reader gone"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.enabled).toBe(false);
    log.write(entry("d"));
    log.flush();
    expect(writes).toHaveLength(1);
  });
});
