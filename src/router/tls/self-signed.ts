import { commonName, generateKeyPair, issueCertificate, privateKeyPem } from "./issue.js";

const day = 86_400_000;

/** A fresh ECDSA P-256 key and a certificate it signs itself, with a SAN for each domain. */
export async function createSelfSigned(
  domains: readonly string[],
  now: Date,
  validityDays: number,
): Promise<{ readonly cert: string; readonly key: string }> {
  const keys = await generateKeyPair();
  const subject = commonName(domains[0] ?? "localhost");
  const cert = await issueCertificate(
    {
      kind: "leaf",
      subject,
      domains,
      publicKey: keys.publicKey,
      // A minute of slack for clocks that run a little behind.
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + validityDays * day),
    },
    { name: subject, privateKey: keys.privateKey },
  );
  return { cert, key: await privateKeyPem(keys) };
}
