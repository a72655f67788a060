import type { KeyObject } from "node:crypto";
import { randomBytes } from "node:crypto";

/** JSON answers of the FAKE ACME server. */
export type Json = Record<string, unknown>;

/** An account of the FAKE ACME server, one per account key. */
export interface FakeAccount {
  readonly url: string;
  readonly path: string;
  /** RFC 7638 thumbprint of the account key. */
  readonly thumbprint: string;
  readonly key: KeyObject;
  contact: string[];
}

interface FakeAuthorization {
  readonly url: string;
  readonly domain: string;
  status: "pending" | "valid" | "invalid";
  readonly challenge: {
    readonly url: string;
    readonly token: string;
    status: "pending" | "valid" | "invalid";
    validated?: string;
    error?: Json;
  };
  readonly order: FakeOrder;
}

export interface FakeOrder {
  readonly url: string;
  readonly account: FakeAccount;
  status: "pending" | "ready" | "valid" | "invalid";
  readonly authorizations: FakeAuthorization[];
  readonly finalizeUrl: string;
  readonly certificateUrl: string;
  certificate?: string;
  error?: Json;
}

type Found =
  | { kind: "order"; order: FakeOrder }
  | { kind: "finalize"; order: FakeOrder }
  | { kind: "certificate"; order: FakeOrder }
  | { kind: "authz"; authz: FakeAuthorization }
  | { kind: "challenge"; authz: FakeAuthorization };

const expires = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

/** Accounts, orders, authorizations and challenges of the FAKE ACME server, and their RFC 8555 JSON. */
export class FakeAcmeState {
  private readonly accountsByPath = new Map<string, FakeAccount>();
  private readonly resources = new Map<string, Found>();

  constructor(private readonly baseUrl: string) {}

  accounts(): readonly FakeAccount[] {
    return [...this.accountsByPath.values()];
  }

  account(kid: string): FakeAccount | undefined {
    return kid.startsWith(this.baseUrl) ? this.accountsByPath.get(kid.slice(this.baseUrl.length)) : undefined;
  }

  accountByThumbprint(thumbprint: string): FakeAccount | undefined {
    return this.accounts().find((account) => account.thumbprint === thumbprint);
  }

  addAccount(thumbprint: string, key: KeyObject, contact: string[]): FakeAccount {
    const path = `/account/${this.accountsByPath.size + 1}`;
    const account = { url: `${this.baseUrl}${path}`, path, thumbprint, key, contact };
    this.accountsByPath.set(path, account);
    return account;
  }

  addOrder(account: FakeAccount, domains: readonly string[]): FakeOrder {
    const id = randomBytes(8).toString("hex");
    const order: FakeOrder = {
      url: `${this.baseUrl}/order/${id}`,
      account,
      status: "pending",
      authorizations: [],
      finalizeUrl: `${this.baseUrl}/order/${id}/finalize`,
      certificateUrl: `${this.baseUrl}/certificate/${id}`,
    };
    this.resources.set(`/order/${id}`, { kind: "order", order });
    this.resources.set(`/order/${id}/finalize`, { kind: "finalize", order });
    this.resources.set(`/certificate/${id}`, { kind: "certificate", order });
    domains.forEach((domain, index) => {
      const authzPath = `/authz/${id}/${index}`;
      const challengePath = `/challenge/${id}/${index}`;
      const token = randomBytes(32).toString("base64url");
      const challenge = { url: `${this.baseUrl}${challengePath}`, token, status: "pending" as const };
      const authz: FakeAuthorization = {
        url: `${this.baseUrl}${authzPath}`,
        domain,
        status: "pending",
        challenge,
        order,
      };
      order.authorizations.push(authz);
      this.resources.set(authzPath, { kind: "authz", authz });
      this.resources.set(challengePath, { kind: "challenge", authz });
    });
    return order;
  }

  /** The resource at `path`, if it exists and belongs to `account` (the certificate only once issued). */
  find(path: string, account: FakeAccount): Found | undefined {
    const found = this.resources.get(path);
    if (!found) return undefined;
    const order = "order" in found ? found.order : found.authz.order;
    if (order.account !== account) return undefined;
    if (found.kind === "certificate" && order.certificate === undefined) return undefined;
    return found;
  }

  /** Records the verdict of an HTTP-01 check; a failed one fails its authorization and the order. */
  settleChallenge(authz: FakeAuthorization, failure: string | undefined): void {
    const { challenge, order } = authz;
    if (failure === undefined) {
      challenge.status = "valid";
      challenge.validated = new Date().toISOString();
      authz.status = "valid";
      if (order.authorizations.every((each) => each.status === "valid")) order.status = "ready";
      return;
    }
    challenge.status = "invalid";
    challenge.error = { type: "urn:ietf:params:acme:error:unauthorized", detail: failure, status: 403 };
    authz.status = "invalid";
    order.status = "invalid";
    order.error = challenge.error;
  }

  accountJson(account: FakeAccount): Json {
    return { status: "valid", contact: account.contact, orders: `${account.url}/orders` };
  }

  orderJson(order: FakeOrder): Json {
    return {
      status: order.status,
      expires: expires(),
      identifiers: order.authorizations.map((authz) => ({ type: "dns", value: authz.domain })),
      authorizations: order.authorizations.map((authz) => authz.url),
      finalize: order.finalizeUrl,
      ...(order.certificate !== undefined && { certificate: order.certificateUrl }),
      ...(order.error && { error: order.error }),
    };
  }

  authzJson(authz: FakeAuthorization): Json {
    return {
      status: authz.status,
      expires: expires(),
      identifier: { type: "dns", value: authz.domain },
      challenges: [this.challengeJson(authz)],
    };
  }

  challengeJson(authz: FakeAuthorization): Json {
    const { url, token, status, validated, error } = authz.challenge;
    return { type: "http-01", url, token, status, ...(validated && { validated }), ...(error && { error }) };
  }
}
