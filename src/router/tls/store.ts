import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { certificateId } from "./domains.js";
import { messageOf, TlsError } from "./errors.js";

/** Where a certificate came from. */
export type CertificateSource = "self-signed" | "files" | "acme";

/** What the state directory remembers about one certificate (`<dir>/<source>/<id>/meta.json`). */
export interface StoredCertificate {
  readonly source: CertificateSource;
  readonly domains: readonly string[];
  readonly certFile: string;
  readonly keyFile: string;
}

const sources: readonly CertificateSource[] = ["self-signed", "files", "acme"];

/**
 * The certificate state directory. Self-signed and ACME certificates live in it as `cert.pem` (full chain)
 * and `key.pem` (0600); user-provided files stay where they are and only their paths are recorded.
 */
export class CertificateStore {
  constructor(readonly dir: string) {}

  folder(source: CertificateSource, domains: readonly string[]): string {
    return join(this.dir, source, certificateId(domains));
  }

  async read(source: CertificateSource, domains: readonly string[]): Promise<StoredCertificate | undefined> {
    return readMeta(join(this.folder(source, domains), "meta.json"));
  }

  /** Writes key, then certificate, each by rename, so a reader never sees a half-written file. */
  async writePair(
    source: CertificateSource,
    domains: readonly string[],
    pem: { readonly cert: string; readonly key: string },
  ): Promise<StoredCertificate> {
    const folder = this.folder(source, domains);
    const stored = { source, domains, certFile: join(folder, "cert.pem"), keyFile: join(folder, "key.pem") };
    await this.guard(async () => {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await writeAtomically(stored.keyFile, pem.key, 0o600);
      await writeAtomically(stored.certFile, pem.cert, 0o644);
      await writeAtomically(join(folder, "meta.json"), `${JSON.stringify(stored, null, 2)}\n`, 0o644);
    });
    return stored;
  }

  /** Records user-provided files. */
  async recordFiles(stored: StoredCertificate): Promise<void> {
    const folder = this.folder(stored.source, stored.domains);
    await this.guard(async () => {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await writeAtomically(join(folder, "meta.json"), `${JSON.stringify(stored, null, 2)}\n`, 0o644);
    });
  }

  async list(): Promise<StoredCertificate[]> {
    const out: StoredCertificate[] = [];
    for (const source of sources) {
      const ids = await readdir(join(this.dir, source)).catch(() => []);
      for (const id of ids.sort()) {
        const stored = await readMeta(join(this.dir, source, id, "meta.json"));
        if (stored) out.push(stored);
      }
    }
    return out;
  }

  /** A secret kept in the state directory (0600), e.g. `acme/account.key`, made by `create` the first time. */
  async secret(name: string, create: () => Promise<string>): Promise<string> {
    const file = join(this.dir, name);
    const existing = await readFile(file, "utf8").catch(() => undefined);
    if (existing !== undefined) return existing;
    const value = await create();
    await this.guard(async () => {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeAtomically(file, value, 0o600);
    });
    return value;
  }

  private async guard(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      throw new TlsError(
        "E_TLS_STATE",
        `cannot write to the certificate directory ${this.dir}: ${messageOf(error)}`,
        "check that the directory exists and that slipway's user may write to it",
        { cause: error },
      );
    }
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode); // the umask may have narrowed it
  await rename(temporary, file);
}

async function readMeta(file: string): Promise<StoredCertificate | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as StoredCertificate;
    return sources.includes(value.source) && Array.isArray(value.domains) ? value : undefined;
  } catch {
    return undefined;
  }
}
