import { afterEach, describe, expect, it } from "vitest";
import type { HealthConfig } from "./config.js";
import { execOnHost, startHttpServer } from "./test-support.js";
import { waitUntilHealthy } from "./wait.js";

const fast: HealthConfig = {
  intervalMs: 50,
  timeoutMs: 1000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 20,
};
const exec = execOnHost;
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

/** An HTTP server that answers 503 to the first `failures` requests and 200 after. */
async function serveHealthyAfter(failures: number) {
  let requests = 0;
  const server = await startHttpServer((_req, res) => {
    requests += 1;
    if (requests > failures) res.writeHead(200).end("ok");
    else res.writeHead(503).end("warming up");
  });
  closers.push(server.close);
  return { url: `${server.url}/health`, requests: () => requests };
}

describe("waitUntilHealthy", () => {
  it("resolves healthy on the first passing probe", async () => {
    const server = await serveHealthyAfter(2);
    const result = await waitUntilHealthy({ kind: "http", url: server.url }, fast, {
      exec,
      deadlineMs: 5000,
    });
    expect(result).toEqual({ healthy: true });
    expect(server.requests()).toBe(3);
    // No more probes once the answer is known.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests()).toBe(3);
  });

  it("ignores failures during the start period", async () => {
    const server = await serveHealthyAfter(5);
    const config = { ...fast, retries: 1, startPeriodMs: 2000 };
    const result = await waitUntilHealthy({ kind: "http", url: server.url }, config, {
      exec,
      deadlineMs: 5000,
    });
    expect(result).toEqual({ healthy: true });
    expect(server.requests()).toBe(6);
  });

  it("reports the probe and its last output when the healthcheck fails retries times", async () => {
    const server = await serveHealthyAfter(Number.POSITIVE_INFINITY);
    const result = await waitUntilHealthy({ kind: "http", url: server.url }, fast, {
      exec,
      deadlineMs: 5000,
    });
    expect(result).toMatchObject({
      healthy: false,
      reason: `healthcheck \`${server.url}\` failed 3 times; last output: HTTP 503: warming up`,
      lastResult: { ok: false, output: "HTTP 503: warming up" },
    });
    expect(server.requests()).toBe(3);
  });

  it("reports the command and its output for an exec probe", async () => {
    const probe = { kind: "exec", argv: ["/bin/sh", "-c", "echo 'no response' >&2; exit 2"] } as const;
    const result = await waitUntilHealthy(probe, fast, { exec, deadlineMs: 5000 });
    expect(result).toMatchObject({
      healthy: false,
      reason: "healthcheck `echo 'no response' >&2; exit 2` failed 3 times; last output: exit 2: no response",
    });
  });

  it("gives up at the deadline with the last output", async () => {
    const server = await serveHealthyAfter(Number.POSITIVE_INFINITY);
    const config = { ...fast, startPeriodMs: 60_000 };
    const started = Date.now();
    const result = await waitUntilHealthy({ kind: "http", url: server.url }, config, {
      exec,
      deadlineMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({
      healthy: false,
      reason: `healthcheck \`${server.url}\` gave no healthy result within 300ms; last output: HTTP 503: warming up`,
    });
  });

  it("says when no probe finished before the deadline", async () => {
    const probe = { kind: "tcp", host: "127.0.0.1", port: 1 } as const;
    const result = await waitUntilHealthy(probe, { ...fast, intervalMs: 10_000 }, { exec, deadlineMs: 50 });
    expect(result).toEqual({
      healthy: false,
      reason: "healthcheck `tcp://127.0.0.1:1` gave no healthy result within 50ms; no probe finished yet",
      lastResult: undefined,
    });
  });

  it("rejects with the abort reason when cancelled", async () => {
    const server = await serveHealthyAfter(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const config = { ...fast, startPeriodMs: 60_000 };
    const waiting = waitUntilHealthy({ kind: "http", url: server.url }, config, {
      exec,
      deadlineMs: 5000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("deploy cancelled")), 100);
    await expect(waiting).rejects.toThrow("deploy cancelled");
    const requests = server.requests();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests()).toBe(requests);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const signal = AbortSignal.abort(new Error("already cancelled"));
    const probe = { kind: "tcp", host: "127.0.0.1", port: 1 } as const;
    await expect(waitUntilHealthy(probe, fast, { exec, deadlineMs: 1000, signal })).rejects.toThrow(
      "already cancelled",
    );
  });
});
