import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { commonName, generateKeyPair, issueCertificate, type Signer } from "./issue.js";

const day = 86_400_000;

/**
 * The FAKE ACME server's certificate authority: a key and a self-signed CA certificate made at start, for
 * tests only. It signs whatever CSR the fake server accepts.
 */
export class FakeCertificateAuthority {
  private constructor(
    private readonly signer: Signer,
    /** PEM of the CA certificate; trust it in test clients. */
    readonly certificate: string,
  ) {}

  static async create(name: string): Promise<FakeCertificateAuthority> {
    const keys = await generateKeyPair();
    const subject = commonName(name);
    const now = Date.now();
    const certificate = await issueCertificate(
      {
        kind: "ca",
        subject,
        domains: [],
        publicKey: keys.publicKey,
        notBefore: new Date(now - day),
        notAfter: new Date(now + 3650 * day),
      },
      { name: subject, privateKey: keys.privateKey },
    );
    return new FakeCertificateAuthority({ name: subject, privateKey: keys.privateKey }, certificate);
  }

  /** The names a CSR asks for (its SAN DNS names and CN), after checking its signature. */
  static async csrNames(csrDer: Buffer): Promise<{ names: string[]; csr: x509.Pkcs10CertificateRequest }> {
    const csr = new x509.Pkcs10CertificateRequest(csrDer);
    if (!(await csr.verify(webcrypto))) throw new Error("the CSR's signature does not verify");
    const san = csr.getExtension("2.5.29.17") as x509.SubjectAlternativeNameExtension | null;
    const names = new Set(
      (san?.names.items ?? []).filter((n) => n.type === "dns").map((n) => n.value.toLowerCase()),
    );
    const cn = /(?:^|,\s*)CN=([^,]+)/.exec(csr.subject)?.[1];
    if (cn) names.add(cn.toLowerCase());
    return { names: [...names], csr };
  }

  /** Issues a leaf for `domains` to the CSR's key; returns the PEM chain (leaf, then this CA). */
  async issue(
    csr: x509.Pkcs10CertificateRequest,
    domains: readonly string[],
    validityDays: number,
  ): Promise<string> {
    const now = Date.now();
    const leaf = await issueCertificate(
      {
        kind: "leaf",
        subject: commonName(domains[0] ?? ""),
        domains,
        publicKey: await csr.publicKey.export(webcrypto),
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + validityDays * day),
      },
      this.signer,
    );
    return `${leaf.trim()}\n${this.certificate.trim()}\n`;
  }
}
