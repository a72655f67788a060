import { Agent, request } from "node:http";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/network/ports.js";
import { REPO } from "./cli.js";
import { get } from "./http.js";
import { LOOPBACK } from "./router-support.js";
import { PATIENT, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();

/**
 * test/e2e/apps/live (it calls server.close() and closes idle keep-alive connections on SIGTERM) on
 * a published port, 2 replicas, start-first, an HTTP healthcheck (so the port is served by the
 * router) and no route.
 */
function publishedApp(port: number, top = "", service = ""): string {
  return `name: \${E2E_PROJECT}
${top}services:
  web:
    build: ./live
    command: ["node", "server.cjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: \${APP_VERSION:-v1}
      NODE_PATH: ${REPO}/node_modules
    deploy:
      replicas: 2
      update_config: { order: start-first }
    healthcheck:
      test: ["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health"]
      interval: 1s
      timeout: 2s
      retries: 3
    x-slipway:
      drain_timeout: 1s
      process: { build: "true" }
${service}`;
}

/** A client that sends GETs one after another on one keep-alive connection, and notes every failure. */
async function keepAliveClient(port: number, stop: () => boolean, maxRequests: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const failures: string[] = [];
  const versions: Record<string, number> = {};
  const headers = { router: 0 };
  let sent = 0;
  const deadline = Date.now() + 150_000;
  while (!stop() && sent < maxRequests && Date.now() < deadline) {
    sent++;
    await new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/", agent, timeout: 10_000 }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          if (response.headers["x-request-id"]) headers.router++;
          if (response.statusCode !== 200) failures.push(`HTTP ${response.statusCode}: ${body}`);
          else {
            const { version } = JSON.parse(body) as { version: string };
            versions[version] = (versions[version] ?? 0) + 1;
          }
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
      req.on("error", (error) => {
        failures.push(`${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`);
        resolve();
      });
      req.end();
    });
  }
  agent.destroy();
  return { sent, failures, versions, viaRouter: headers.router };
}

/** Deploys, then 3 more deploys while 3 keep-alive clients send GETs through the published port. */
async function deploysUnderKeepAliveLoad(compose: string, port: number) {
  const s = sandbox({ "compose.yaml": compose });
  s.copyApp("live", "live");
  const first = await s.cli(["deploy"], LOOPBACK);
  expect(first.code, first.stdout + first.stderr).toBe(0);

  let done = false;
  const clients = Promise.all([1, 2, 3].map(() => keepAliveClient(port, () => done, 20_000)));
  try {
    for (const version of ["v2", "v3", "v4"]) {
      const deploy = await s.cli(["deploy"], { ...LOOPBACK, APP_VERSION: version });
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    }
  } finally {
    done = true;
  }
  return { s, reports: await clients };
}

describe.concurrent("published HTTP ports through slipway", PATIENT, () => {
  it("fails no keep-alive request during deploys of an app that closes its server on SIGTERM", async () => {
    const port = await freePort();
    const { reports } = await deploysUnderKeepAliveLoad(publishedApp(port), port);
    const failures = reports.flatMap((r) => r.failures);
    const versions = reports.map((r) => r.versions);
    expect(failures).toEqual([]);
    // Every client saw the last version, over the connection it opened first: nothing was cut.
    for (const seen of versions) expect(seen.v4).toBeGreaterThan(0);
    // The router answered (it adds X-Request-Id), not the layer-4 proxy.
    for (const report of reports) expect(report.viaRouter).toBe(report.sent);
  });

  it("is served by a builtin router beside nginx when the project's driver is nginx", async () => {
    const [port, http, https] = [await freePort(), await freePort(), await freePort()];
    const compose = publishedApp(
      port,
      `x-slipway:\n  router: { driver: nginx, http_port: ${http}, https_port: ${https} }\n`,
      "      routes: [{ path: / }]\n",
    );
    const { s, reports } = await deploysUnderKeepAliveLoad(compose, port);
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    for (const report of reports) expect(report.viaRouter).toBe(report.sent);
    // nginx serves the route, the builtin router the published port.
    const routed = await get(http);
    expect(JSON.parse(routed.body)).toMatchObject({ version: "v4" });
    const status = await s.cli(["agent", "status"], LOOPBACK);
    expect(status.stdout).toMatch(
      new RegExp(`router \\d+ running; listening on [^\\n]*127\\.0\\.0\\.1:${port}`),
    );
    expect(status.stdout).toMatch(
      new RegExp(`nginx \\d+ running; listening on [^\\n]*127\\.0\\.0\\.1:${http}`),
    );
  });
});
