import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, config, httpRoute, set, startRouter, startUpstream } from "./test-support.js";

afterEach(closeAll);

/** Sends raw bytes to the router and returns the status line of its answer (or "closed"). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer.split("\r\n")[0] || "closed"));
    socket.on("close", () => resolve(answer.split("\r\n")[0] || "closed"));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error("no answer")));
  });
}

describe("requests too ambiguous to route", () => {
  it("answers 400 to two Host headers, HTTP/0.9 and an absolute-form target for another host; the upstream sees none", async () => {
    const api = await startUpstream("api");
    const { port } = await startRouter(config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])]));
    expect(await raw(port, "GET / HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n")).toBe(
      "HTTP/1.1 200 OK",
    );
    const seen = api.seen.length;
    expect(
      await raw(port, "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n"),
    ).toMatch(/^HTTP\/1\.1 400/);
    const h09 = await raw(port, "GET /\r\n\r\n");
    expect(h09).toMatch(/^HTTP\/1\.1 400|^closed$/);
    expect(
      await raw(port, "GET http://b.example/admin HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(port, "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"),
    ).toBe("HTTP/1.1 200 OK");
    expect(api.seen.length).toBe(seen + 1);
  });
});
