import { createPrivateKey, type KeyObject, type X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { messageOf, TlsError } from "./errors.js";
import { certificateCovers, parseCertificate } from "./inspect.js";

/**
 * Checks user-provided certificate and key files: both readable, the key belongs to the certificate,
 * the certificate names every domain and has not expired. Throws `E_TLS_FILES` saying which check failed.
 */
export async function validateCertificateFiles(
  domains: readonly string[],
  certFile: string,
  keyFile: string,
  now: Date,
): Promise<X509Certificate> {
  const certificate = await loadCertificate(certFile);
  const key = await loadKey(keyFile);
  if (!certificate.checkPrivateKey(key)) {
    throw filesError(
      `the key ${keyFile} does not belong to the certificate ${certFile}`,
      "tls.key_file must be the private key the certificate was issued for",
    );
  }
  const missing = domains.filter((domain) => !certificateCovers(certificate, domain));
  if (missing.length > 0) {
    throw filesError(
      `the certificate ${certFile} does not cover ${missing.join(", ")} (it names ${certificate.subjectAltName ?? certificate.subject})`,
      "use a certificate whose subjectAltName lists every domain of the route, or set the route's tls to acme or self-signed",
    );
  }
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    throw filesError(
      `the certificate ${certFile} expired on ${certificate.validTo}`,
      "renew it and replace the file",
    );
  }
  return certificate;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw filesError(
      `cannot read the ${what} file ${file}: ${messageOf(error)}`,
      "check tls.cert_file and tls.key_file",
      error,
    );
  }
}

async function loadCertificate(certFile: string): Promise<X509Certificate> {
  const pem = await readOrFail(certFile, "certificate");
  try {
    return parseCertificate(pem);
  } catch (error) {
    throw filesError(
      `${certFile} is not a PEM certificate: ${messageOf(error)}`,
      "tls.cert_file must hold PEM certificates (BEGIN CERTIFICATE), the server's own first",
      error,
    );
  }
}

async function loadKey(keyFile: string): Promise<KeyObject> {
  const pem = await readOrFail(keyFile, "key");
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw filesError(
      `${keyFile} is not an unencrypted PEM private key: ${messageOf(error)}`,
      "tls.key_file must be a PEM private key without a passphrase",
      error,
    );
  }
}

function filesError(message: string, hint: string, cause?: unknown): TlsError {
  return new TlsError("E_TLS_FILES", message, hint, cause === undefined ? undefined : { cause });
}
