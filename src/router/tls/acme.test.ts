import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeAcmeServer } from "./fake-acme-server.js";
import { type AcmeOrderOptions, CertificateManager } from "./manager.js";

/** Stands in for the router's plain-HTTP listener: answers ACME challenges from a map, like `acmeChallenges`. */
const challenges = new Map<string, string>();
let challengeServer: Server;
let fake: FakeAcmeServer;
let dir: string;

beforeAll(async () => {
  challengeServer = createHttpServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([\w-]+)$/.exec(req.url ?? "")?.[1];
    const answer = token === undefined ? undefined : challenges.get(token);
    res
      .writeHead(answer === undefined ? 404 : 200, { "Content-Type": "text/plain" })
      .end(answer ?? "not found");
  });
  await new Promise<void>((resolve) => challengeServer.listen(0, "127.0.0.1", resolve));
  const { port } = challengeServer.address() as AddressInfo;
  fake = await FakeAcmeServer.start({ httpTarget: `127.0.0.1:${port}` });
});
afterAll(async () => {
  await fake.close();
  challengeServer.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-acme-"));
});
afterEach(async () => {
  challenges.clear();
  await rm(dir, { recursive: true, force: true });
});

function acmeOptions(published: string[] = []): AcmeOrderOptions {
  return {
    directoryUrl: fake.directoryUrl,
    email: "ops@app.test",
    setChallenge: (token, keyAuthorization) => {
      published.push(token);
      challenges.set(token, keyAuthorization);
    },
    clearChallenge: (token) => {
      challenges.delete(token);
    },
    poll: { attempts: 3, minMs: 50, maxMs: 200 },
  };
}

/** Serves the certificate with `https.createServer` and connects as `servername`, trusting only the fake CA. */
async function serveAndConnect(certFile: string, keyFile: string, servername: string): Promise<boolean> {
  const server = createHttpsServer(
    { cert: await readFile(certFile), key: await readFile(keyFile) },
    (_req, res) => res.end("ok"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, servername, ca: fake.ca.certificate }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.on("error", reject);
    });
  } finally {
    server.close();
  }
}

describe("CertificateManager.obtainAcme against the FAKE ACME server", () => {
  it("publishes the challenge, gets a certificate for app.test from the CA and writes it to files", async () => {
    const manager = new CertificateManager({ dir });
    const published: string[] = [];
    const certificate = await manager.obtainAcme(["app.test"], acmeOptions(published));

    expect(published).toHaveLength(1);
    expect(fake.validations.at(-1)).toMatchObject({ domain: "app.test", token: published[0], ok: true });
    expect(challenges.size).toBe(0); // withdrawn afterwards
    expect(certificate.domains).toEqual(["app.test"]);
    expect((await stat(certificate.keyFile)).mode & 0o777).toBe(0o600);
    expect(await serveAndConnect(certificate.certFile, certificate.keyFile, "app.test")).toBe(true);

    const [info] = await manager.listCertificates();
    expect(info).toMatchObject({ source: "acme", domains: ["app.test"], issuer: `CN=${fake.caName}` });
    expect(fake.accounts[0]?.contact).toEqual(["mailto:ops@app.test"]);
  });

  it("fails with E_ACME_CHALLENGE when the challenge is not served", async () => {
    const manager = new CertificateManager({ dir });
    const failure = manager.obtainAcme(["app.test"], { ...acmeOptions(), setChallenge: () => {} });
    await expect(failure).rejects.toMatchObject({ code: "E_ACME_CHALLENGE" });
    await expect(failure).rejects.toThrow(
      /could not verify http:\/\/app\.test\/\.well-known\/acme-challenge\/.*HTTP 404/,
    );
    expect(await manager.listCertificates()).toEqual([]);
  });

  it("keeps the account key in the state directory and reuses it for the next order", async () => {
    const manager = new CertificateManager({ dir });
    const accountsBefore = fake.accounts.length;
    await manager.obtainAcme(["app.test"], acmeOptions());
    const keyFile = join(dir, "acme", "account.key");
    const key = await readFile(keyFile, "utf8");
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    // A new manager on the same directory, as after an agent restart.
    const restarted = new CertificateManager({ dir });
    await restarted.obtainAcme(["app.test", "www.app.test"], acmeOptions());
    expect(await readFile(keyFile, "utf8")).toBe(key);
    expect(fake.accounts.length).toBe(accountsBefore + 1);
    const listed = (await restarted.listCertificates()).map((info) => info.domains.join(" "));
    expect(listed.sort()).toEqual(["app.test", "app.test www.app.test"]);
  });

  it("refuses domains HTTP-01 cannot prove before asking the CA", async () => {
    const manager = new CertificateManager({ dir });
    await expect(manager.obtainAcme(["*.app.test"], acmeOptions())).rejects.toMatchObject({
      code: "E_ACME_ORDER",
    });
  });
});
