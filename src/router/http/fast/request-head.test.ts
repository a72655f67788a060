import { describe, expect, it } from "vitest";
import { FAST_HEAD_LIMIT, scanRequestHead } from "./request-head.js";

const socket = { remoteAddress: "127.0.0.1" };
const scan = (text: string, start = 0) => scanRequestHead(Buffer.from(text, "latin1"), start, socket);
const kind = (text: string) => scan(text).kind;
const plain = "GET /a?b=1 HTTP/1.1\r\nHost: shop.example\r\nAccept: */*\r\n\r\n";

describe("the fast path's request head scanner", () => {
  it("reads a plain request: method, target, raw header lines, the headers the router reads, where it ends", () => {
    const text =
      "GET /a?b=1 HTTP/1.1\r\nHost:  shop.example \r\nX-Request-Id: r1\r\nX-Forwarded-For: 10.0.0.1\r\nx-forwarded-for: 10.0.0.2\r\nConnection: keep-alive\r\n\r\nrest";
    const result = scan(text);
    expect(result.kind).toBe("request");
    if (result.kind !== "request") return;
    expect(result.head.method).toBe("GET");
    expect(result.head.url).toBe("/a?b=1");
    expect(result.head.close).toBe(false);
    expect(result.head.headers).toEqual({
      host: "shop.example",
      "x-request-id": "r1",
      "x-forwarded-for": "10.0.0.1, 10.0.0.2",
    });
    expect(result.head.rawHeaders.slice(0, 2)).toEqual(["Host", "shop.example"]);
    expect(result.end).toBe(text.length - "rest".length);
  });

  it("finds pipelined requests one after the other, and says when a head is not complete yet", () => {
    const two = `${plain}${plain.replace("/a?b=1", "/second")}GET /third HTTP/1.1\r\nHo`;
    const first = scan(two);
    expect(first.kind).toBe("request");
    if (first.kind !== "request") return;
    expect(first.end).toBe(plain.length);
    const second = scan(two, first.end);
    expect(second.kind === "request" && second.head.url).toBe("/second");
    if (second.kind !== "request") return;
    expect(scan(two, second.end).kind).toBe("incomplete");
  });

  it("notes Connection: close, among other options", () => {
    const result = scan("GET / HTTP/1.1\r\nHost: a\r\nConnection: TE, Close\r\nTE: trailers\r\n\r\n");
    expect(result.kind === "request" && result.head.close).toBe(true);
  });

  it.each([
    ["a body by Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"],
    ["Content-Length 0", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"],
    ["chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    [
      "Content-Length and Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
    ["two Content-Length", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n"],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"],
    ["an obs-fold line", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n"],
    ["a bare LF inside the head", "GET / HTTP/1.1\r\nHost: a\nTransfer-Encoding: chunked\r\n\r\n"],
    ["a bare CR in a value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"],
    ["a NUL in a value", "GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n"],
    ["bytes past ASCII in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\u00e9\r\n\r\n"],
    ["a control in the target", "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
    ["no Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"],
    ["an absolute-form target", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\n\r\n"],
    ["HTTP/0.9", "GET /\r\n\r\n"],
    ["a lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n"],
    ["two spaces in the request line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["an unknown method", "PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["a lower-case method", "get / HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["a WebSocket upgrade", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"],
    ["an Upgrade header alone", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n"],
    ["Expect: 100-continue", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"],
    ["an empty header name", "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n"],
    ["a line without a colon", "GET / HTTP/1.1\r\nHost: a\r\nnonsense\r\n\r\n"],
    ["a header name with a slash", "GET / HTTP/1.1\r\nHost: a\r\nX/Y: 1\r\n\r\n"],
    [
      "a head over the fast path's limit",
      `GET / HTTP/1.1\r\nHost: a\r\nX-A: ${"a".repeat(FAST_HEAD_LIMIT)}\r\n\r\n`,
    ],
  ])("hands %s to Node's parser", (_, text) => {
    expect(kind(text)).toBe("handoff");
  });

  it("hands an over-long head over even before it is complete", () => {
    expect(kind(`GET / HTTP/1.1\r\nHost: a\r\nX-A: ${"a".repeat(FAST_HEAD_LIMIT)}`)).toBe("handoff");
    expect(kind(`GET / HTTP/1.1\r\nHost: a\r\nX-A: ${"a".repeat(100)}`)).toBe("incomplete");
  });
});
