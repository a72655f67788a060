import { afterEach, describe, expect, it } from "vitest";
import { runProbe } from "../run-probe.js";
import { execOnHost, startHttpServer } from "../test-support.js";

const context = { exec: execOnHost, timeoutMs: 2000 };
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function serve(status: number, body: string, delayMs = 0): Promise<string> {
  const server = await startHttpServer((_req, res) => {
    setTimeout(() => res.writeHead(status, { "content-type": "text/plain" }).end(body), delayMs);
  });
  closers.push(server.close);
  return server.url;
}

describe("http probe", () => {
  it("passes on 200 and shows the start of the body", async () => {
    const url = await serve(200, "ok");
    const result = await runProbe({ kind: "http", url: `${url}/health` }, context);
    expect(result).toMatchObject({ ok: true, output: "HTTP 200: ok" });
  });

  it("fails on 503 with the status and body", async () => {
    const url = await serve(503, "database not ready\n");
    const result = await runProbe({ kind: "http", url }, context);
    expect(result).toMatchObject({ ok: false, output: "HTTP 503: database not ready" });
  });

  it("counts a redirect as healthy by default and does not follow it", async () => {
    const url = await serve(302, "");
    expect(await runProbe({ kind: "http", url }, context)).toMatchObject({ ok: true, output: "HTTP 302" });
  });

  it("uses expectStatus when given", async () => {
    const url = await serve(204, "");
    const probe = { kind: "http", url, expectStatus: [200, 200] } as const;
    expect(await runProbe(probe, context)).toMatchObject({ ok: false, output: "HTTP 204" });
  });

  it("clips a long body", async () => {
    const url = await serve(500, `${"e".repeat(5000)}`);
    const result = await runProbe({ kind: "http", url }, context);
    expect(result.output).toMatch(/^HTTP 500: e{200}…$/);
  });

  it("fails when the answer is slower than the timeout", async () => {
    const url = await serve(200, "late", 1000);
    const result = await runProbe({ kind: "http", url }, { ...context, timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, output: "no response within 100ms" });
    expect(result.durationMs).toBeLessThan(900);
  });

  it("fails with the connect error when nothing listens", async () => {
    const url = await serve(200, "");
    await closers.pop()?.();
    const result = await runProbe({ kind: "http", url }, context);
    expect(result).toMatchObject({
      ok: false,
      output: `connect ECONNREFUSED ${url.slice("http://".length)}`,
    });
  });

  it("fails on a URL that does not parse", async () => {
    const result = await runProbe({ kind: "http", url: "not a url" }, context);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("not a url");
  });
});
