import { spawnSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request } from "node:https";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/network/ports.js";
import { LOOPBACK, liveApp, stopNginxOf } from "./router-support.js";
import { PATIENT, type Sandbox, sandboxPerTest } from "./sandbox.js";

const nginxSandboxes: Sandbox[] = [];
// Registered before sandboxPerTest's cleanup, so it runs after it (after-hooks run in reverse).
afterAll(() => stopNginxOf(nginxSandboxes), 30_000);
const sandbox = sandboxPerTest();

const DOMAIN = "app.test";

/** `openssl s_client` against the HTTPS port with SNI: its exit code and what it printed. */
function handshake(port: number, version: "-tls1_2" | "-tls1_3") {
  const run = spawnSync(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", DOMAIN, version],
    { input: "", encoding: "utf8", timeout: 20_000 },
  );
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** GET over HTTPS with SNI and Host `app.test` (self-signed: not verified). */
function httpsGet(port: number): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/",
        servername: DOMAIN,
        headers: { host: DOMAIN },
        rejectUnauthorized: false,
        agent: false,
        timeout: 8000,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
    req.end();
  });
}

/** GET on plain HTTP with Host `app.test`, with the answer's headers. */
function plainGet(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, headers: { host: DOMAIN }, agent: false, timeout: 8000 },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
    req.end();
  });
}

describe.concurrent.each(["builtin", "nginx"] as const)("TLS through the %s router", (driver) => {
  it(
    "handshakes TLS 1.2 and 1.3 for the domain, sends HSTS, redirects HTTP except ACME challenges",
    PATIENT,
    async () => {
      const [http, https] = [await freePort(), await freePort()];
      const s = sandbox({
        "compose.yaml": liveApp({
          http,
          https,
          router: `driver: ${driver}`,
          service: `      routes: [{ domains: [${DOMAIN}], path: /, tls: self-signed }]\n`,
        }),
      });
      if (driver === "nginx") nginxSandboxes.push(s);
      s.copyApp("live", "live");
      const deploy = await s.cli(["deploy"], LOOPBACK);
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);

      const tls12 = handshake(https, "-tls1_2");
      expect(tls12.code, tls12.output).toBe(0);
      expect(tls12.output).toMatch(/New, TLSv1\.2, Cipher is ECDHE/);
      expect(tls12.output).toContain(`CN = ${DOMAIN}`);
      const tls13 = handshake(https, "-tls1_3");
      expect(tls13.code, tls13.output).toBe(0);
      expect(tls13.output).toMatch(/New, TLSv1\.3, Cipher is TLS_/);

      const secure = await httpsGet(https);
      expect(secure.status).toBe(200);
      expect(secure.headers["strict-transport-security"]).toMatch(/max-age=\d+/);

      const plain = await plainGet(http, "/some/page?x=1");
      // A permanent redirect: the builtin router answers GET with 301, the nginx driver always with 308.
      expect(plain.status).toBe(driver === "builtin" ? 301 : 308);
      expect(plain.headers.location).toBe(`https://${DOMAIN}:${https}/some/page?x=1`);
      // Not redirected: answered on plain HTTP (an unknown token is a 404).
      const challenge = await plainGet(http, "/.well-known/acme-challenge/sometoken");
      expect(challenge.status).toBe(404);
      expect(challenge.headers.location).toBeUndefined();
    },
  );
});
