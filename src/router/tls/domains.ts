import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { TlsError } from "./errors.js";

const hostname = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Lower-cases, drops a trailing dot and duplicates, keeps the first domain first (it becomes the CN). */
export function normalizeDomains(domains: readonly string[]): readonly string[] {
  const out: string[] = [];
  for (const raw of domains) {
    const domain = raw.trim().toLowerCase().replace(/\.$/, "");
    if (!isIP(domain) && !hostname.test(domain)) {
      throw new TlsError(
        "E_TLS_DOMAINS",
        `"${raw}" is not a domain name a certificate can name`,
        "use a host name such as app.example.com, a wildcard such as *.example.com, or an IP address",
      );
    }
    if (!out.includes(domain)) out.push(domain);
  }
  if (out.length === 0) {
    throw new TlsError(
      "E_TLS_DOMAINS",
      "a certificate needs at least one domain",
      "give the route `domains`",
    );
  }
  return out;
}

/** A directory name for a domain set: readable, and the same whatever the order of the domains. */
export function certificateId(domains: readonly string[]): string {
  const sorted = [...domains].sort();
  const hash = createHash("sha256").update(sorted.join(",")).digest("hex").slice(0, 12);
  const first = (sorted[0] ?? "none").replace(/^\*\./, "wildcard.").replace(/[^a-z0-9.-]/g, "_");
  return `${first}-${hash}`;
}

/** True when both lists name the same domains, in any order. */
export function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((domain) => left.has(domain));
}

/** `api.example.com` is public; `localhost`, `*.test`, `*.local`, `*.internal` and IP addresses are not. */
export function isPublicDomain(domain: string): boolean {
  return (
    /\./.test(domain) &&
    !/(^localhost$|\.(test|local|localhost|internal|example|invalid)$|^[\d.]+$|:)/.test(domain)
  );
}
