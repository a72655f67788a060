import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CertificateManager, type FilesChange } from "./manager.js";
import { createSelfSigned } from "./self-signed.js";

let dir: string;
let manager: CertificateManager;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-tls-files-"));
  manager = new CertificateManager({ dir: join(dir, "state"), watchIntervalMs: 50 });
});
afterEach(async () => {
  manager.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a certificate and key pair for `domains` as a user would provide them. */
async function userPair(name: string, domains: string[], validityDays = 90) {
  const pem = await createSelfSigned(domains, new Date(), validityDays);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await writeFile(certFile, pem.cert);
  await writeFile(keyFile, pem.key);
  return { certFile, keyFile };
}

describe("CertificateManager.useFiles", () => {
  it("accepts a matching pair that covers the domains, wildcards included, and lists it", async () => {
    const pair = await userPair("site", ["shop.test", "*.shop.test"]);
    const certificate = await manager.useFiles(["shop.test", "api.shop.test"], pair.certFile, pair.keyFile);
    expect(certificate).toEqual({ domains: ["shop.test", "api.shop.test"], ...pair });
    const [info] = await manager.listCertificates();
    expect(info).toMatchObject({ source: "files", certFile: pair.certFile, issuer: "CN=shop.test" });
  });

  it("rejects a key that does not belong to the certificate", async () => {
    const a = await userPair("a", ["shop.test"]);
    const b = await userPair("b", ["shop.test"]);
    const failure = manager.useFiles(["shop.test"], a.certFile, b.keyFile);
    await expect(failure).rejects.toMatchObject({ code: "E_TLS_FILES" });
    await expect(failure).rejects.toThrow(
      `the key ${b.keyFile} does not belong to the certificate ${a.certFile}`,
    );
  });

  it("rejects a certificate that does not cover a domain, and unreadable or expired files", async () => {
    const pair = await userPair("site", ["shop.test"]);
    const failure = manager.useFiles(["shop.test", "admin.test"], pair.certFile, pair.keyFile);
    await expect(failure).rejects.toMatchObject({ code: "E_TLS_FILES" });
    await expect(failure).rejects.toThrow(/does not cover admin\.test \(it names DNS:shop\.test\)/);

    await expect(manager.useFiles(["shop.test"], join(dir, "missing.crt"), pair.keyFile)).rejects.toThrow(
      /cannot read the certificate file .*missing\.crt/,
    );
    await expect(manager.useFiles(["shop.test"], pair.keyFile, pair.keyFile)).rejects.toThrow(
      /is not a PEM certificate/,
    );
    const expired = await userPair("old", ["shop.test"], -1);
    await expect(manager.useFiles(["shop.test"], expired.certFile, expired.keyFile)).rejects.toThrow(
      /expired on/,
    );
  });

  it("notices when the user's files change and checks them again", async () => {
    const pair = await userPair("site", ["shop.test"]);
    await manager.useFiles(["shop.test"], pair.certFile, pair.keyFile);
    const changes: FilesChange[] = [];
    manager.watchFiles((change) => changes.push(change));
    await new Promise((resolve) => setTimeout(resolve, 120)); // let the poller take its first look

    const next = await createSelfSigned(["shop.test"], new Date(), 90);
    await writeFile(pair.certFile, next.cert);
    await writeFile(pair.keyFile, next.key);
    await expect.poll(() => changes.length, { timeout: 3000, interval: 20 }).toBe(1);
    expect(changes[0]).toMatchObject({ kind: "changed", certificate: { certFile: pair.certFile } });

    const other = await createSelfSigned(["shop.test"], new Date(), 90);
    await writeFile(pair.keyFile, other.key); // key no longer matches the certificate
    await expect.poll(() => changes.length, { timeout: 3000, interval: 20 }).toBe(2);
    expect(changes[1]).toMatchObject({ kind: "invalid", error: { code: "E_TLS_FILES" } });
  });
});
