import { randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** An ECDSA P-256 key pair, usable for signing with WebCrypto and exportable as PEM. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ecdsa, true, ["sign", "verify"])) as CryptoKeyPair;
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), which Node's tls, nginx and acme-client all read. */
export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

/** Who signs a certificate: its own key (self-signed) or a CA's key and name. */
export interface Signer {
  readonly name: string;
  readonly privateKey: CryptoKey;
}

export interface CertificateRequest {
  /** Leaf: SANs for every domain, first domain as CN. CA: no SANs, `subject` as its name. */
  readonly kind: "leaf" | "ca";
  readonly subject: string;
  readonly domains: readonly string[];
  readonly publicKey: CryptoKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Signs an X.509 v3 certificate; returns its PEM. */
export async function issueCertificate(request: CertificateRequest, signer: Signer): Promise<string> {
  const extensions: x509.Extension[] =
    request.kind === "ca"
      ? [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ]
      : [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(
            request.domains.map((domain) => ({ type: isIP(domain) ? "ip" : "dns", value: domain })),
          ),
        ];
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(request.publicKey, false, crypto));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive serial number
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial.toString("hex"),
      subject: request.subject,
      issuer: signer.name,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      publicKey: request.publicKey,
      signingKey: signer.privateKey,
      signingAlgorithm: ecdsa,
      extensions,
    },
    crypto,
  );
  return certificate.toString("pem");
}

/** `CN=<value>` with the characters a distinguished name reserves escaped. */
export function commonName(value: string): string {
  return `CN=${value.replace(/([,+"\\<>;=])/g, "\\$1")}`;
}
