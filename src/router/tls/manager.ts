import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { crypto as acmeCrypto } from "acme-client";
import type { Certificate } from "../model.js";
import { type AcmeOrderOptions, orderAcmeCertificate } from "./acme.js";
import { certificateId, normalizeDomains, sameDomains } from "./domains.js";
import { messageOf, TlsError } from "./errors.js";
import { validateCertificateFiles } from "./files.js";
import { certificateFacts, parseCertificate } from "./inspect.js";
import { createSelfSigned } from "./self-signed.js";
import { type CertificateSource, CertificateStore, type StoredCertificate } from "./store.js";
import { FilePoller } from "./watch.js";

export type { AcmeOrderOptions } from "./acme.js";

const day = 86_400_000;

export interface CertificateManagerOptions {
  /** State directory, e.g. `$SLIPWAY_HOME/tls`; created (0700) on first write. */
  readonly dir: string;
  /** Default `() => new Date()`. */
  readonly clock?: (() => Date) | undefined;
  /** Lifetime of self-signed certificates. Default 90 days. */
  readonly selfSignedValidityDays?: number | undefined;
  /** A certificate is due for renewal when it expires within this many days. Default 30. */
  readonly renewBeforeDays?: number | undefined;
  /** How often `watchFiles` looks at user-provided files. Default 2000 ms. */
  readonly watchIntervalMs?: number | undefined;
}

/** A certificate the manager knows, with what it says about itself. */
export interface CertificateInfo extends Certificate {
  readonly source: CertificateSource;
  /** Issuer distinguished name, e.g. `CN=R11, O=Let's Encrypt, C=US`. */
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What `watchFiles` reports when user-provided files change. */
export type FilesChange =
  | { readonly kind: "changed"; readonly certificate: Certificate }
  | { readonly kind: "invalid"; readonly certificate: Certificate; readonly error: TlsError };

/**
 * Makes, obtains and remembers the router's certificates (self-signed, user-provided files, ACME) in a state
 * directory, and says which are due for renewal. It writes files; the agent puts them into the router config.
 */
export class CertificateManager {
  private readonly store: CertificateStore;
  private readonly clock: () => Date;
  private readonly validityDays: number;
  private readonly renewBeforeMs: number;
  private readonly watchIntervalMs: number;
  private readonly pending = new Map<string, Promise<Certificate>>();
  private readonly userFiles = new Map<string, Certificate>();
  private readonly watchers = new Set<FilePoller>();
  private accountKey: Promise<string> | undefined;

  constructor(options: CertificateManagerOptions) {
    this.store = new CertificateStore(resolve(options.dir));
    this.clock = options.clock ?? (() => new Date());
    this.validityDays = options.selfSignedValidityDays ?? 90;
    this.renewBeforeMs = (options.renewBeforeDays ?? 30) * day;
    this.watchIntervalMs = options.watchIntervalMs ?? 2000;
  }

  /** A self-signed certificate for `domains`, made once and made again when it is due for renewal. */
  async ensureSelfSigned(domains: readonly string[]): Promise<Certificate> {
    const names = normalizeDomains(domains);
    return this.once(`self-signed:${certificateId(names)}`, async () => {
      const stored = await this.store.read("self-signed", names);
      const current = stored && sameDomains(stored.domains, names) && (await this.stillGood(stored));
      if (stored && current) return toCertificate(stored);
      const pem = await createSelfSigned(names, this.clock(), this.validityDays);
      return toCertificate(await this.store.writePair("self-signed", names, pem));
    });
  }

  /**
   * Uses the user's certificate and key files for `domains` after checking that the key belongs to the
   * certificate and that it covers every domain (`E_TLS_FILES` otherwise); `watchFiles` then follows them.
   */
  async useFiles(domains: readonly string[], certFile: string, keyFile: string): Promise<Certificate> {
    const names = normalizeDomains(domains);
    const files = { certFile: resolve(certFile), keyFile: resolve(keyFile) };
    await validateCertificateFiles(names, files.certFile, files.keyFile, this.clock());
    const certificate: Certificate = { domains: names, ...files };
    await this.store.recordFiles({ source: "files", ...certificate });
    const id = certificateId(names);
    this.userFiles.set(id, certificate);
    for (const watcher of this.watchers) watcher.watch(id, [files.certFile, files.keyFile]);
    return certificate;
  }

  /**
   * Calls `onChange` when files given to `useFiles` (before or after this call) change, after checking them
   * again, so the router can reload them. Returns a function that stops watching.
   */
  watchFiles(onChange: (change: FilesChange) => void): () => void {
    const watcher = new FilePoller(this.watchIntervalMs, (id) => {
      const certificate = this.userFiles.get(id);
      if (!certificate) return;
      validateCertificateFiles(
        certificate.domains,
        certificate.certFile,
        certificate.keyFile,
        this.clock(),
      ).then(
        () => onChange({ kind: "changed", certificate }),
        (error: unknown) => onChange({ kind: "invalid", certificate, error: asFilesError(error) }),
      );
    });
    for (const [id, certificate] of this.userFiles)
      watcher.watch(id, [certificate.certFile, certificate.keyFile]);
    this.watchers.add(watcher);
    return () => {
      watcher.close();
      this.watchers.delete(watcher);
    };
  }

  /**
   * Obtains a certificate from an ACME CA by HTTP-01: the account key is made once and kept in the state
   * directory (0600); challenges go through `setChallenge`/`clearChallenge`. Failures are `E_ACME_*` errors.
   */
  async obtainAcme(domains: readonly string[], options: AcmeOrderOptions): Promise<Certificate> {
    const names = normalizeDomains(domains);
    return this.once(`acme:${certificateId(names)}`, async () => {
      const pem = await orderAcmeCertificate(names, await this.acmeAccountKey(), options);
      return toCertificate(await this.store.writePair("acme", names, pem));
    });
  }

  /** Every certificate in the state directory whose certificate file can still be read. */
  async listCertificates(): Promise<CertificateInfo[]> {
    const out: CertificateInfo[] = [];
    for (const stored of await this.store.list()) {
      const info = await describe(stored);
      if (info) out.push(info);
    }
    return out;
  }

  /** Certificates that expire within the renewal window (default 30 days) of `now`, expired ones included. */
  async renewalsDue(now: Date = this.clock()): Promise<CertificateInfo[]> {
    const limit = now.getTime() + this.renewBeforeMs;
    return (await this.listCertificates()).filter((info) => info.notAfter.getTime() <= limit);
  }

  /** Stops every `watchFiles` watcher. */
  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers.clear();
  }

  private async stillGood(stored: StoredCertificate): Promise<boolean> {
    const info = await describe(stored);
    return info !== undefined && info.notAfter.getTime() - this.clock().getTime() > this.renewBeforeMs;
  }

  private acmeAccountKey(): Promise<string> {
    this.accountKey ??= this.store
      .secret("acme/account.key", async () => (await acmeCrypto.createPrivateEcdsaKey("P-256")).toString())
      .catch((error: unknown) => {
        this.accountKey = undefined; // try again next time
        throw error;
      });
    return this.accountKey;
  }

  /** Runs `work` once per key at a time: concurrent callers for the same domains share one result. */
  private once(key: string, work: () => Promise<Certificate>): Promise<Certificate> {
    const running = this.pending.get(key);
    if (running) return running;
    const promise = work().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}

async function describe(stored: StoredCertificate): Promise<CertificateInfo | undefined> {
  const pem = await readFile(stored.certFile).catch(() => undefined);
  if (!pem) return undefined;
  try {
    const facts = certificateFacts(parseCertificate(pem));
    return {
      ...toCertificate(stored),
      source: stored.source,
      issuer: facts.issuer,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
    };
  } catch {
    return undefined;
  }
}

function toCertificate(stored: StoredCertificate): Certificate {
  return { domains: stored.domains, certFile: stored.certFile, keyFile: stored.keyFile };
}

function asFilesError(error: unknown): TlsError {
  return error instanceof TlsError
    ? error
    : new TlsError("E_TLS_FILES", `cannot check the certificate files: ${messageOf(error)}`, undefined, {
        cause: error,
      });
}
