import { isIP } from "node:net";
import { type Authorization, crypto as acmeCrypto, Client } from "acme-client";
import { messageOf, TlsError, type TlsErrorCode } from "./errors.js";

/** How to reach the CA and publish HTTP-01 challenges for one `obtainAcme` call. */
export interface AcmeOrderOptions {
  /** ACME v2 directory URL. Default in the manifest: Let's Encrypt production. */
  readonly directoryUrl: string;
  /** Account contact; the CA mails expiry warnings here. Default none. */
  readonly email?: string | undefined;
  /** Publishes a key authorization; should resolve once the router answers it on plain HTTP. */
  readonly setChallenge: (token: string, keyAuthorization: string) => void | Promise<void>;
  /** Withdraws a key authorization once the CA has decided. */
  readonly clearChallenge: (token: string) => void | Promise<void>;
  /** Polling of pending challenges and orders. Default acme-client's: 10 attempts, 5 s growing to 30 s. */
  readonly poll?: { readonly attempts: number; readonly minMs: number; readonly maxMs: number } | undefined;
}

/** Runs one ACME HTTP-01 order for `domains` with the given account key; returns the chain and its new key. */
export async function orderAcmeCertificate(
  domains: readonly string[],
  accountKey: string,
  options: AcmeOrderOptions,
): Promise<{ readonly cert: string; readonly key: string }> {
  const unsupported = domains.filter((domain) => isIP(domain) || domain.startsWith("*."));
  if (unsupported.length > 0) {
    throw new TlsError(
      "E_ACME_ORDER",
      `ACME HTTP-01 cannot prove control of ${unsupported.join(", ")}`,
      "wildcards and IP addresses need another challenge type; use tls: files or self-signed for them",
    );
  }
  const client = new Client({
    directoryUrl: options.directoryUrl,
    accountKey,
    ...(options.poll && {
      backoffAttempts: options.poll.attempts,
      backoffMin: options.poll.minMs,
      backoffMax: options.poll.maxMs,
    }),
  });
  const where = `the ACME server ${options.directoryUrl}`;
  await step("E_ACME_ACCOUNT", `${where} refused the account`, () =>
    client.createAccount({
      termsOfServiceAgreed: true,
      contact: options.email ? [`mailto:${options.email}`] : [],
    }),
  );
  const order = await step("E_ACME_ORDER", `${where} refused an order for ${domains.join(", ")}`, () =>
    client.createOrder({ identifiers: domains.map((value) => ({ type: "dns", value })) }),
  );
  const authorizations = await step(
    "E_ACME_ORDER",
    `${where} did not return the order's authorizations`,
    () => client.getAuthorizations(order),
  );
  for (const authorization of authorizations) await proveControl(client, authorization, options);

  const key = (await acmeCrypto.createPrivateEcdsaKey("P-256")).toString();
  const [, csr] = await acmeCrypto.createCsr({ commonName: domains[0], altNames: [...domains] }, key);
  const finalized = await step("E_ACME_FINALIZE", `${where} refused to finalize the order`, () =>
    client.finalizeOrder(order, csr),
  );
  const cert = await step("E_ACME_CERTIFICATE", `${where} did not hand out the certificate`, () =>
    client.getCertificate(finalized),
  );
  return { cert, key };
}

/** HTTP-01: publish `token.thumbprint`, ask the CA to fetch it, wait for its verdict, withdraw it. */
async function proveControl(
  client: Client,
  authorization: Authorization,
  options: AcmeOrderOptions,
): Promise<void> {
  if (authorization.status === "valid") return; // the CA remembers an earlier proof
  const domain = authorization.identifier.value;
  const challenge = authorization.challenges.find((candidate) => candidate.type === "http-01");
  if (!challenge) {
    throw new TlsError(
      "E_ACME_CHALLENGE",
      `the ACME server offers no http-01 challenge for ${domain}`,
      "slipway proves control over HTTP only; use a CA that supports http-01, or tls: files",
    );
  }
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
  await step("E_ACME_CHALLENGE", `could not publish the HTTP-01 challenge for ${domain}`, async () =>
    options.setChallenge(challenge.token, keyAuthorization),
  );
  try {
    await step(
      "E_ACME_CHALLENGE",
      `the ACME server could not verify http://${domain}/.well-known/acme-challenge/${challenge.token}`,
      async () => {
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(challenge);
      },
      `check that ${domain} resolves to this machine and that port 80 reaches the slipway router`,
    );
  } finally {
    // A token left behind is harmless; the order's own outcome is what the caller needs to see.
    await Promise.resolve()
      .then(() => options.clearChallenge(challenge.token))
      .catch(() => {});
  }
}

async function step<T>(
  code: TlsErrorCode,
  message: string,
  run: () => Promise<T>,
  hint?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TlsError) throw error;
    throw new TlsError(code, `${message}: ${messageOf(error)}`, hint, { cause: error });
  }
}
