import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContext, type SecureContextOptions } from "node:tls";
import type { Certificate, RouterConfig } from "../model.js";
import { RouterError } from "./errors.js";

/** ECDHE with AEAD only (Mozilla "intermediate"); TLS 1.3 suites are OpenSSL's defaults, all modern. */
const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** The certificates of a configuration, loaded once per apply. */
export interface TlsSettings {
  /** For `server.setSecureContext`: the default certificate (the first one) and the protocol floor. */
  readonly defaultOptions: SecureContextOptions;
  /** The context for an SNI name: an exact domain, else a `*.domain` wildcard; undefined = default. */
  contextFor(servername: string): SecureContext | undefined;
}

function readPair(certificate: Certificate): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile) };
  } catch (error) {
    throw new RouterError(
      {
        code: "E_ROUTER_TLS",
        message: `cannot read the certificate for ${certificate.domains.join(", ")}: ${(error as Error).message}`,
        hint: "the agent writes certificate files before it applies a configuration that names them",
      },
      { cause: error },
    );
  }
}

export function loadTls(tls: RouterConfig["tls"]): TlsSettings {
  const base = {
    minVersion: tls.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2",
    ciphers: TLS12_CIPHERS,
  } as const;
  const byDomain = new Map<string, SecureContext>();
  let defaultOptions: SecureContextOptions = { ...base };
  for (const [index, certificate] of tls.certificates.entries()) {
    const pair = readPair(certificate);
    let context: SecureContext;
    try {
      context = createSecureContext({ ...base, ...pair });
    } catch (error) {
      throw new RouterError(
        {
          code: "E_ROUTER_TLS",
          message: `invalid certificate or key for ${certificate.domains.join(", ")}: ${(error as Error).message}`,
          hint: `check ${certificate.certFile} and ${certificate.keyFile} are a PEM certificate and its key`,
        },
        { cause: error },
      );
    }
    if (index === 0) defaultOptions = { ...base, ...pair };
    for (const domain of certificate.domains) {
      const key = domain.toLowerCase();
      if (!byDomain.has(key)) byDomain.set(key, context);
    }
  }
  return {
    defaultOptions,
    contextFor(servername) {
      const name = servername.toLowerCase();
      const dot = name.indexOf(".");
      return byDomain.get(name) ?? (dot > 0 ? byDomain.get(`*${name.slice(dot)}`) : undefined);
    },
  };
}
