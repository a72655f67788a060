import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterConfig } from "../model.js";
import { httpRoute, routerConfig, set, upstream } from "./test-config.js";
import {
  type Backend,
  freePort,
  get,
  getTls,
  makeCertificate,
  type NginxInstance,
  nginxInstance,
  startBackend,
} from "./test-support.js";

// HTTPS through a real nginx, with a certificate made by openssl for this run.
let nginx: NginxInstance;
let backend: Backend;
let httpPort: number;
let httpsPort: number;
let certificate: ReturnType<typeof makeCertificate>;
let generation = 0;

beforeAll(async () => {
  [backend, httpPort, httpsPort] = await Promise.all([startBackend("a"), freePort(), freePort()]);
  nginx = nginxInstance();
  certificate = makeCertificate(nginx.dir, "a.test");
});

afterAll(async () => {
  await nginx?.cleanup();
  await backend?.close();
});

function tlsConfig(minVersion: "1.2" | "1.3"): RouterConfig {
  generation++;
  return routerConfig({
    generation,
    http: { host: "127.0.0.1", port: httpPort },
    https: { host: "127.0.0.1", port: httpsPort },
    tls: { certificates: [{ domains: ["a.test"], ...certificate }], minVersion },
    acmeChallenges: { "tok-1_A": "tok-1_A.thumb_print" },
    routes: [
      httpRoute({
        id: "shop/web/0",
        domains: ["a.test"],
        httpsRedirect: true,
        sets: [set("r1", 100, [upstream("a.0", backend.port)])],
      }),
    ],
  });
}

describe("NginxDriver over TLS", { timeout: 30_000 }, () => {
  it("serves HTTPS by SNI with HSTS and the forwarded proto", async () => {
    await nginx.driver.apply(tlsConfig("1.2"));
    const reply = await getTls(httpsPort, "/hello", { servername: "a.test", ca: certificate.pem });
    expect(reply.status).toBe(200);
    expect(reply.headers["strict-transport-security"]).toBe("max-age=15552000; includeSubDomains");
    expect(JSON.parse(reply.body)).toMatchObject({
      backend: "a",
      url: "/hello",
      headers: { "x-forwarded-proto": "https", host: "a.test" },
    });
  });

  it("redirects HTTP to HTTPS but answers ACME challenges on HTTP", async () => {
    const redirect = await get(`http://127.0.0.1:${httpPort}/hello?x=1`, { headers: { host: "a.test" } });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`https://a.test:${httpsPort}/hello?x=1`);
    expect(redirect.headers["strict-transport-security"]).toBeUndefined();

    const challenge = await get(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/tok-1_A`, {
      headers: { host: "a.test" },
    });
    expect(challenge).toMatchObject({ status: 200, body: "tok-1_A.thumb_print" });
    const unknown = await get(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/other`, {
      headers: { host: "a.test" },
    });
    expect(unknown.status).toBe(404);
  });

  it("refuses TLS 1.2 clients when the minimum is 1.3", async () => {
    const tls12 = { servername: "a.test", ca: certificate.pem, maxVersion: "TLSv1.2" } as const;
    expect((await getTls(httpsPort, "/", tls12)).status).toBe(200);
    await nginx.driver.apply(tlsConfig("1.3"));
    await expect(getTls(httpsPort, "/", tls12)).rejects.toThrow(/protocol|version|alert/i);
    const tls13 = { servername: "a.test", ca: certificate.pem, minVersion: "TLSv1.3" } as const;
    expect((await getTls(httpsPort, "/", tls13)).status).toBe(200);
  });
});
