import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:tls";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CertificateManager } from "./manager.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-tls-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Serves `cert`/`key` with a real TLS server and connects as `servername`, trusting only `ca`. */
async function handshake(cert: string, key: string, ca: string, servername: string): Promise<boolean> {
  const server = createServer({ cert, key }, (socket) => socket.end("hello"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, servername, ca }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.on("error", reject);
    });
  } finally {
    server.close();
  }
}

describe("CertificateManager.ensureSelfSigned", () => {
  it("makes a certificate for two domains that a real TLS server serves and a client accepts", async () => {
    const manager = new CertificateManager({ dir });
    const certificate = await manager.ensureSelfSigned(["a.test", "B.test"]);
    expect(certificate.domains).toEqual(["a.test", "b.test"]);
    const cert = await readFile(certificate.certFile, "utf8");
    const key = await readFile(certificate.keyFile, "utf8");
    expect((await stat(certificate.keyFile)).mode & 0o777).toBe(0o600);

    expect(await handshake(cert, key, cert, "a.test")).toBe(true);
    expect(await handshake(cert, key, cert, "b.test")).toBe(true);
    await expect(handshake(cert, key, cert, "c.test")).rejects.toThrow(/altnames/i);

    const text = execFileSync("openssl", ["x509", "-noout", "-text", "-in", certificate.certFile], {
      encoding: "utf8",
    });
    expect(text).toContain("DNS:a.test, DNS:b.test");
    expect(text).toContain("ASN1 OID: prime256v1");
    const [info] = await manager.listCertificates();
    expect(info?.source).toBe("self-signed");
    expect(info?.issuer).toBe("CN=a.test");
    const days = ((info?.notAfter.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });

  it("makes the certificate once per domain set and again when it is due for renewal", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const manager = new CertificateManager({ dir, clock: () => now });
    const first = await manager.ensureSelfSigned(["a.test", "b.test"]);
    const firstPem = await readFile(first.certFile, "utf8");

    now = new Date("2030-02-01T00:00:00Z"); // 59 days left: still good
    const again = await manager.ensureSelfSigned(["b.test", "a.test"]);
    expect(again.certFile).toBe(first.certFile);
    expect(await readFile(again.certFile, "utf8")).toBe(firstPem);

    now = new Date("2030-03-05T00:00:00Z"); // 27 days left: renewed
    const renewed = await manager.ensureSelfSigned(["a.test", "b.test"]);
    expect(await readFile(renewed.certFile, "utf8")).not.toBe(firstPem);
    const [info] = await manager.listCertificates();
    expect(info?.notAfter.toISOString().slice(0, 10)).toBe("2030-06-03");
  });

  it("shares one certificate between concurrent callers and rejects a bad domain", async () => {
    const manager = new CertificateManager({ dir });
    const [a, b] = await Promise.all([
      manager.ensureSelfSigned(["x.test"]),
      manager.ensureSelfSigned(["x.test"]),
    ]);
    expect(await readFile(a.certFile, "utf8")).toBe(await readFile(b.certFile, "utf8"));
    await expect(manager.ensureSelfSigned(["bad domain"])).rejects.toMatchObject({ code: "E_TLS_DOMAINS" });
    await expect(manager.ensureSelfSigned([])).rejects.toMatchObject({ code: "E_TLS_DOMAINS" });
  });
});
