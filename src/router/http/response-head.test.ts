import { describe, expect, it } from "vitest";
import { relayedHeaderLines } from "./response-head.js";

const security = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
/** `[name, value]` pairs as the flat list `rawHeaders` and `writeHead` use. */
const flat = (pairs: [string, string][]) => pairs.flat();

describe("relayedHeaderLines", () => {
  it("keeps the upstream's lines as sent, without hop-by-hop ones or those Connection names", () => {
    const raw = flat([
      ["Content-Type", "text/plain"],
      ["Connection", "keep-alive, X-Internal"],
      ["Keep-Alive", "timeout=5"],
      ["X-Internal", "secret"],
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
      ["Transfer-Encoding", "chunked"],
    ]);
    expect(relayedHeaderLines(raw, {}, "id-1")).toEqual(
      flat([
        ["Content-Type", "text/plain"],
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["x-request-id", "id-1"],
      ]),
    );
  });

  it("adds the security headers and the request id the upstream did not set, whatever its case", () => {
    const raw = flat([
      ["Referrer-Policy", "origin"],
      ["X-Request-Id", "upstream-id"],
    ]);
    expect(relayedHeaderLines(raw, security, "id-2")).toEqual(
      flat([
        ["Referrer-Policy", "origin"],
        ["X-Request-Id", "upstream-id"],
        ["x-content-type-options", "nosniff"],
      ]),
    );
  });
});
