import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeCertificateAuthority } from "./fake-acme-ca.js";
import { fetchChallenge } from "./fake-acme-http01.js";
import { type DecodedJws, decodeJws, jwkThumbprint, publicKeyOf } from "./fake-acme-jws.js";
import { type FakeAccount, FakeAcmeState, type FakeOrder, type Json } from "./fake-acme-state.js";

/** Options of the FAKE ACME server (tests only; a public ACME CA cannot be reached from here). */
export interface FakeAcmeServerOptions {
  /** `host:port` every HTTP-01 challenge is fetched from, whatever the domain (tests point all domains at loopback). */
  readonly httpTarget: string;
  /** Lifetime of issued certificates. Default 90 days. */
  readonly validityDays?: number | undefined;
  /** Default `Slipway FAKE ACME CA (tests only)`. */
  readonly caName?: string | undefined;
}

/** An RFC 8555 error answer (`urn:ietf:params:acme:error:<type>`). */
class AcmeProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * A FAKE ACME v2 CA for tests, over plain HTTP on loopback: directory, nonces, accounts, orders, HTTP-01
 * challenges it really fetches (from `httpTarget`), finalize with a real CSR and a certificate chain signed by
 * a CA key made at start. JWS signatures are checked against the account key; nothing else of a real CA
 * (rate limits, CAA, policy) is imitated.
 */
export class FakeAcmeServer {
  /** Every HTTP-01 check the server made, in order. */
  readonly validations: { domain: string; token: string; ok: boolean; detail: string }[] = [];
  private readonly state: FakeAcmeState;
  private readonly nonces = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly ca: FakeCertificateAuthority,
    readonly caName: string,
    private readonly options: FakeAcmeServerOptions,
    readonly baseUrl: string,
  ) {
    this.state = new FakeAcmeState(baseUrl);
  }

  static async start(options: FakeAcmeServerOptions): Promise<FakeAcmeServer> {
    const caName = options.caName ?? "Slipway FAKE ACME CA (tests only)";
    const ca = await FakeCertificateAuthority.create(caName);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeAcmeServer(server, ca, caName, options, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => void fake.handle(req, res));
    return fake;
  }

  get directoryUrl(): string {
    return `${this.baseUrl}/directory`;
  }

  /** Accounts registered so far (one per account key). */
  get accounts(): readonly FakeAccount[] {
    return this.state.accounts();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Replay-Nonce", this.newNonce());
    res.setHeader("Cache-Control", "no-store");
    const path = new URL(req.url ?? "/", this.baseUrl).pathname;
    try {
      if (path === "/directory" && req.method === "GET") return send(res, 200, this.directory());
      if (path === "/new-nonce" && (req.method === "HEAD" || req.method === "GET")) {
        res.writeHead(req.method === "HEAD" ? 200 : 204).end();
        return;
      }
      if (req.method !== "POST")
        throw new AcmeProblem(405, "malformed", `${req.method} ${path} is not supported`);
      const jws = this.authenticate(path, await readBody(req));
      await this.dispatch(path, jws, res);
    } catch (error) {
      const problem = error instanceof AcmeProblem ? error : new AcmeProblem(400, "malformed", String(error));
      res.writeHead(problem.status, { "Content-Type": "application/problem+json" });
      res.end(
        JSON.stringify({
          type: `urn:ietf:params:acme:error:${problem.type}`,
          detail: problem.message,
          status: problem.status,
        }),
      );
    }
  }

  private directory(): Json {
    const url = (path: string) => `${this.baseUrl}${path}`;
    return {
      newNonce: url("/new-nonce"),
      newAccount: url("/new-account"),
      newOrder: url("/new-order"),
      revokeCert: url("/revoke-cert"),
      keyChange: url("/key-change"),
      meta: { termsOfService: url("/terms") },
    };
  }

  /** Checks nonce, url and signature; returns the decoded JWS with the account it speaks for. */
  private authenticate(
    path: string,
    body: string,
  ): DecodedJws & { account?: FakeAccount; thumbprint: string } {
    let jws: DecodedJws;
    try {
      jws = decodeJws(body);
    } catch (error) {
      throw new AcmeProblem(400, "malformed", `cannot decode the JWS: ${(error as Error).message}`);
    }
    const { nonce, url, jwk, kid } = jws.header;
    if (!nonce || !this.nonces.delete(nonce)) throw new AcmeProblem(400, "badNonce", "unknown or used nonce");
    if (url !== `${this.baseUrl}${path}`)
      throw new AcmeProblem(401, "unauthorized", `JWS url ${url} is not this URL`);
    if ((path === "/new-account") !== (jwk !== undefined)) {
      throw new AcmeProblem(400, "malformed", "newAccount is signed with jwk, every other request with kid");
    }
    const account = kid === undefined ? undefined : this.state.account(kid);
    if (kid !== undefined && !account) throw new AcmeProblem(400, "accountDoesNotExist", `no account ${kid}`);
    const key = account ? account.key : publicKeyOf(jwk ?? {});
    if (!jws.verifyWith(key)) throw new AcmeProblem(401, "unauthorized", "the JWS signature does not verify");
    return { ...jws, account, thumbprint: account?.thumbprint ?? jwkThumbprint(jwk ?? {}) };
  }

  private async dispatch(
    path: string,
    jws: DecodedJws & { account?: FakeAccount; thumbprint: string },
    res: ServerResponse,
  ): Promise<void> {
    const payload = jws.payload as Record<string, unknown> | null;
    if (path === "/new-account") {
      const existing = this.state.accountByThumbprint(jws.thumbprint);
      if (!existing && payload?.onlyReturnExisting)
        throw new AcmeProblem(400, "accountDoesNotExist", "no such account");
      if (!existing && payload?.termsOfServiceAgreed !== true) {
        throw new AcmeProblem(403, "userActionRequired", "agree to the terms of service");
      }
      const account =
        existing ??
        this.state.addAccount(
          jws.thumbprint,
          publicKeyOf(jws.header.jwk ?? {}),
          stringArray(payload?.contact),
        );
      return send(res, existing ? 200 : 201, this.state.accountJson(account), { Location: account.url });
    }
    const account = jws.account as FakeAccount;
    if (path === account.path) {
      if (payload?.contact) account.contact = stringArray(payload.contact);
      return send(res, 200, this.state.accountJson(account));
    }
    if (path === "/new-order") {
      const order = this.state.addOrder(account, identifiersOf(payload));
      return send(res, 201, this.state.orderJson(order), { Location: order.url });
    }
    const item = this.state.find(path, account);
    if (!item) throw new AcmeProblem(404, "malformed", `no resource ${path} for this account`);
    if (item.kind === "order") return send(res, 200, this.state.orderJson(item.order));
    if (item.kind === "authz") return send(res, 200, this.state.authzJson(item.authz));
    if (item.kind === "challenge") {
      if (payload !== null && item.authz.challenge.status === "pending")
        await this.validate(item.authz, jws.thumbprint);
      return send(res, 200, this.state.challengeJson(item.authz), {
        Link: `<${item.authz.url}>;rel="up"`,
      });
    }
    if (item.kind === "finalize") {
      await this.finalize(item.order, payload);
      return send(res, 200, this.state.orderJson(item.order), { Location: item.order.url });
    }
    res.writeHead(200, { "Content-Type": "application/pem-certificate-chain" }).end(item.order.certificate);
  }

  /** HTTP-01: fetch the key authorization from `httpTarget` and compare it with token + "." + thumbprint. */
  private async validate(authz: FakeOrder["authorizations"][number], thumbprint: string): Promise<void> {
    const { token } = authz.challenge;
    const expected = `${token}.${thumbprint}`;
    let detail: string;
    try {
      const answer = await fetchChallenge(this.options.httpTarget, authz.domain, token, 5000);
      const body = answer.body.trim();
      detail =
        answer.status !== 200
          ? `fetching http://${authz.domain}/.well-known/acme-challenge/${token}: HTTP ${answer.status}`
          : body !== expected
            ? `the key authorization served for ${authz.domain} is "${body.slice(0, 100)}", expected "${expected}"`
            : "";
    } catch (error) {
      detail = `connection to ${authz.domain} (${this.options.httpTarget}) failed: ${(error as Error).message}`;
    }
    this.validations.push({ domain: authz.domain, token, ok: detail === "", detail });
    this.state.settleChallenge(authz, detail === "" ? undefined : detail);
  }

  private async finalize(order: FakeOrder, payload: Record<string, unknown> | null): Promise<void> {
    if (order.status !== "ready") throw new AcmeProblem(403, "orderNotReady", `the order is ${order.status}`);
    if (typeof payload?.csr !== "string") throw new AcmeProblem(400, "badCSR", "finalize needs a csr");
    let parsed: Awaited<ReturnType<typeof FakeCertificateAuthority.csrNames>>;
    try {
      parsed = await FakeCertificateAuthority.csrNames(Buffer.from(payload.csr, "base64url"));
    } catch (error) {
      throw new AcmeProblem(400, "badCSR", `cannot read the CSR: ${(error as Error).message}`);
    }
    const wanted = order.authorizations.map((authz) => authz.domain);
    if (parsed.names.length !== wanted.length || !parsed.names.every((name) => wanted.includes(name))) {
      throw new AcmeProblem(
        400,
        "badCSR",
        `the CSR names ${parsed.names.join(", ")}, the order ${wanted.join(", ")}`,
      );
    }
    order.certificate = await this.ca.issue(parsed.csr, wanted, this.options.validityDays ?? 90);
    order.status = "valid";
  }

  private newNonce(): string {
    const nonce = randomBytes(16).toString("base64url");
    this.nonces.add(nonce);
    return nonce;
  }
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function identifiersOf(payload: Record<string, unknown> | null): string[] {
  const identifiers = Array.isArray(payload?.identifiers)
    ? (payload.identifiers as { type?: unknown; value?: unknown }[])
    : [];
  if (identifiers.length === 0) throw new AcmeProblem(400, "malformed", "an order needs identifiers");
  return identifiers.map((identifier) => {
    if (identifier.type !== "dns" || typeof identifier.value !== "string") {
      throw new AcmeProblem(400, "rejectedIdentifier", `only dns identifiers: ${JSON.stringify(identifier)}`);
    }
    return identifier.value.toLowerCase();
  });
}
