import { describe, expect, it } from "vitest";
import { RESPONSE_HEAD_LIMIT, scanResponseHead } from "./response-head.js";

const scan = (text: string, method = "GET") => scanResponseHead(Buffer.from(text, "latin1"), 0, method);
const head = (text: string, method = "GET") => {
  const result = scan(text, method);
  if (result.kind !== "head") throw new Error(`not a head: ${result.kind}`);
  return result.head;
};

describe("the fast path's response head scanner", () => {
  it("reads status, reason, header lines, framing and keep-alive", () => {
    const text = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello";
    expect(head(text)).toEqual({
      status: 201,
      reason: "Created",
      rawHeaders: ["Content-Length", "5", "X-A", "b"],
      framing: "length",
      length: 5,
      keepAlive: true,
      end: text.length - 5,
    });
    expect(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n").framing).toBe("chunked");
    expect(head("HTTP/1.1 200\r\n\r\n")).toMatchObject({ reason: "OK", framing: "close", keepAlive: false });
    expect(head("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive).toBe(false);
    expect(head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive).toBe(false);
  });

  it("knows the answers without a body: HEAD, 1xx, 204, 304", () => {
    expect(head("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", "HEAD").framing).toBe("none");
    expect(head("HTTP/1.1 204 No Content\r\n\r\n")).toMatchObject({ framing: "none", keepAlive: true });
    expect(head("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").framing).toBe("none");
    expect(head("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n").framing).toBe("none");
  });

  it("waits for the rest of a head", () => {
    expect(scan("HTTP/1.1 200 OK\r\nContent-Le").kind).toBe("incomplete");
  });

  it.each([
    [
      "Content-Length with Transfer-Encoding",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
    ["two Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"],
    ["a Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\n"],
    ["another transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"],
    [
      "two Transfer-Encoding",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
    ["a bad status line", "HTTP/1.1 2000 OK\r\n\r\n"],
    ["another protocol", "SSH-2.0-OpenSSH\r\n\r\n"],
    ["a line without a colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n"],
    ["a space in a name", "HTTP/1.1 200 OK\r\nContent Length: 3\r\n\r\n"],
    ["a bare LF in a value", "HTTP/1.1 200 OK\r\nX-A: a\nb\r\n\r\n"],
    ["a head over the limit", `HTTP/1.1 200 OK\r\nX-A: ${"a".repeat(RESPONSE_HEAD_LIMIT)}\r\n\r\n`],
  ])("calls %s invalid", (_, text) => {
    expect(scan(text).kind).toBe("invalid");
  });
});
