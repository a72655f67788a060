import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Certificate } from "../model.js";
import { closeAll, config, httpRoute, set, startRouter, startUpstream } from "./test-support.js";

afterEach(closeAll);

let dir = "";
const certificate = (domain: string): Certificate => ({
  domains: [domain],
  certFile: join(dir, `${domain}.crt`),
  keyFile: join(dir, `${domain}.key`),
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-tls-"));
  for (const domain of ["a.test", "b.test", "c.test"]) {
    const { certFile, keyFile } = certificate(domain);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "1",
        "-subj",
        `/CN=${domain}`,
        "-addext",
        `subjectAltName=DNS:${domain}`,
      ],
      { stdio: "ignore" },
    );
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The certificate's CN the router presents for `servername` (undefined: no SNI), or the handshake error. */
function handshake(
  port: number,
  options: { servername?: string; maxVersion?: "TLSv1.2"; minVersion?: "TLSv1.3" },
) {
  return new Promise<{ cn?: string; protocol?: string | null; error?: string }>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...options }, () => {
      const cert = socket.getPeerCertificate() as PeerCertificate;
      resolve({ cn: String(cert.subject?.CN), protocol: socket.getProtocol() });
      socket.end();
    });
    socket.on("error", (error) => resolve({ error: error.message }));
  });
}

async function tlsRouter(certificates: readonly Certificate[], minVersion: "1.2" | "1.3" = "1.2") {
  const api = await startUpstream("api");
  const routes = [httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])];
  const tls = { certificates, minVersion };
  const base = config(routes, { https: { host: "127.0.0.1", port: 0 }, tls });
  const started = await startRouter(base);
  return { ...started, base, httpsPort: started.router.ports().https! };
}

describe("Router TLS", () => {
  it("serves a TLS connection on the fast path and hands it to Node's server at a request with a body", async () => {
    const { httpsPort } = await tlsRouter([certificate("a.test")]);
    const received = await new Promise<string>((resolve, reject) => {
      let text = "";
      const socket = connect(
        {
          host: "127.0.0.1",
          port: httpsPort,
          servername: "a.test",
          ca: readFileSync(certificate("a.test").certFile),
        },
        () =>
          socket.write(
            "GET /a HTTP/1.1\r\nHost: a.test\r\n\r\n" +
              "POST /b HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello" +
              "GET /c HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
          ),
      );
      socket.on("data", (chunk) => {
        text += chunk;
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(3);
    expect(received.match(/strict-transport-security: max-age=15552000; includeSubDomains/gi)).toHaveLength(
      3,
    );
    expect(received.indexOf("api:/a")).toBeLessThan(received.indexOf("api:/b"));
    expect(received.indexOf("api:/b")).toBeLessThan(received.indexOf("api:/c"));
  });

  it("picks the certificate by SNI, with the first one as default", async () => {
    const { httpsPort } = await tlsRouter([certificate("a.test"), certificate("b.test")]);
    expect((await handshake(httpsPort, { servername: "b.test" })).cn).toBe("b.test");
    expect((await handshake(httpsPort, { servername: "a.test" })).cn).toBe("a.test");
    expect((await handshake(httpsPort, { servername: "other.test" })).cn).toBe("a.test");
    expect((await handshake(httpsPort, {})).cn).toBe("a.test");
    expect(await handshake(httpsPort, { maxVersion: "TLSv1.2" })).toMatchObject({ protocol: "TLSv1.2" });
  });

  it("serves HTTPS with HSTS and trusts the certificate of the requested name", async () => {
    const { httpsPort } = await tlsRouter([certificate("a.test"), certificate("b.test")]);
    const reply = await new Promise<{ status: number; hsts: unknown; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: httpsPort,
          path: "/secure",
          servername: "b.test",
          headers: { host: "b.test" },
          ca: readFileSync(certificate("b.test").certFile),
          agent: false,
        },
        (res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, hsts: res.headers["strict-transport-security"], body }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(reply).toEqual({ status: 200, hsts: "max-age=15552000; includeSubDomains", body: "api:/secure" });
  });

  it("refuses TLS 1.2 clients when minVersion is 1.3", async () => {
    const { httpsPort } = await tlsRouter([certificate("a.test")], "1.3");
    expect((await handshake(httpsPort, { servername: "a.test", maxVersion: "TLSv1.2" })).error).toBeDefined();
    expect((await handshake(httpsPort, { maxVersion: "TLSv1.2" })).error).toBeDefined();
    expect(await handshake(httpsPort, { servername: "a.test" })).toMatchObject({
      cn: "a.test",
      protocol: "TLSv1.3",
    });
  });

  it("takes new certificates on apply without re-binding", async () => {
    const { router, base, httpsPort } = await tlsRouter([certificate("a.test")]);
    await router.apply({
      ...base,
      generation: 2,
      tls: { ...base.tls, certificates: [certificate("c.test"), certificate("a.test")] },
    });
    expect(router.ports().https).toBe(httpsPort);
    expect((await handshake(httpsPort, { servername: "c.test" })).cn).toBe("c.test");
    expect((await handshake(httpsPort, {})).cn).toBe("c.test");
  });

  it("keeps the old configuration when a certificate cannot be read", async () => {
    const { router, base } = await tlsRouter([certificate("a.test")]);
    const broken = {
      domains: ["x.test"],
      certFile: join(dir, "missing.crt"),
      keyFile: join(dir, "missing.key"),
    };
    await expect(
      router.apply({ ...base, generation: 2, tls: { ...base.tls, certificates: [broken] } }),
    ).rejects.toMatchObject({
      code: "E_ROUTER_TLS",
    });
    expect(router.config?.generation).toBe(1);
  });
});
