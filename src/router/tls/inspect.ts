import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";

/** What a PEM certificate says about itself (the first certificate of a chain). */
export interface CertificateFacts {
  /** DNS names and IP addresses of the subjectAltName, else the subject CN. */
  readonly domains: readonly string[];
  /** Issuer distinguished name, e.g. `CN=R11, O=Let's Encrypt, C=US`. */
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Parses the leaf of a PEM chain; throws the parser's error when it is not a certificate. */
export function parseCertificate(pem: string | Buffer): X509Certificate {
  return new X509Certificate(pem);
}

export function certificateFacts(certificate: X509Certificate): CertificateFacts {
  const names = (certificate.subjectAltName ?? "")
    .split(", ")
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((name): name is string => name !== undefined)
    .map((name) => name.toLowerCase());
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  return {
    domains: names.length > 0 ? names : commonName ? [commonName] : [],
    issuer: certificate.issuer.split("\n").reverse().join(", "),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
  };
}

/** True when a client connecting to `domain` accepts this certificate's names (wildcards included). */
export function certificateCovers(certificate: X509Certificate, domain: string): boolean {
  if (isIP(domain)) return certificate.checkIP(domain) !== undefined;
  // A wildcard domain is covered only by the same wildcard (checkHost would match it as a literal name).
  if (domain.startsWith("*.")) return certificateFacts(certificate).domains.includes(domain);
  return certificate.checkHost(domain) !== undefined;
}
