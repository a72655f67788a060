import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { SecretError } from "./errors.js";
import { loadMachineKey, type MachineKey } from "./key.js";
import { checkSecretName } from "./names.js";

/** Largest secret value: a certificate chain fits, a data set does not. */
export const MAX_SECRET_BYTES = 64 * 1024;

/** What `secret ls` shows of one secret: never its value. */
export interface SecretSummary {
  readonly name: string;
  readonly versions: readonly number[];
  readonly latest: number;
  /** When the latest version was set (ms since the epoch). */
  readonly updatedAt: number;
}

/**
 * A project's secrets, encrypted at rest with the machine key: `<dir>/<project>/<name>/<version>.age`
 * (directories 0700, files 0600). Versions only grow; a release names the version it uses, so a
 * rollback gets the old value back and a rotation can roll forward while the old version serves.
 */
export class SecretStore {
  private key: Promise<MachineKey> | undefined;

  constructor(
    private readonly dir: string,
    private readonly keyFile: string,
  ) {}

  private machineKey(): Promise<MachineKey> {
    this.key ??= loadMachineKey(this.keyFile);
    return this.key;
  }

  private secretDir(project: string, name: string): string {
    return join(this.dir, checkSecretName(project), checkSecretName(name));
  }

  /** The versions a secret has, oldest first (empty when there is no such secret). */
  versions(project: string, name: string): number[] {
    const dir = this.secretDir(project, name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .flatMap((file) => (/^\d+\.age$/.test(file) ? [Number.parseInt(file, 10)] : []))
      .sort((a, b) => a - b);
  }

  latest(project: string, name: string): number | undefined {
    return this.versions(project, name).at(-1);
  }

  /** Stores `value` as the secret's next version and returns that version. */
  async set(project: string, name: string, value: string): Promise<number> {
    if (Buffer.byteLength(value) > MAX_SECRET_BYTES)
      throw new SecretError("E_SECRET_TOO_LARGE", `secret ${name} is larger than ${MAX_SECRET_BYTES} bytes`);
    const dir = this.secretDir(project, name);
    for (const d of [this.dir, join(this.dir, project), dir]) mkdirSync(d, { recursive: true, mode: 0o700 });
    const { Encrypter } = await import("age-encryption");
    const encrypter = new Encrypter();
    encrypter.addRecipient((await this.machineKey()).recipient);
    const sealed = await encrypter.encrypt(value);
    const version = (this.latest(project, name) ?? 0) + 1;
    const temporary = join(dir, `.${version}.${process.pid}.tmp`);
    writeFileSync(temporary, sealed, { mode: 0o600, flag: "wx" });
    renameSync(temporary, join(dir, `${version}.age`));
    return version;
  }

  /** The latest version when it already holds `value`, else a new version with it. */
  async setIfChanged(project: string, name: string, value: string): Promise<number> {
    const latest = this.latest(project, name);
    if (latest !== undefined && (await this.get(project, name, latest)) === value) return latest;
    return this.set(project, name, value);
  }

  /** One version's value (default: the latest); E_SECRET_NOT_FOUND names the secret, never a value. */
  async get(project: string, name: string, version?: number): Promise<string> {
    const chosen = version ?? this.latest(project, name);
    const file = chosen === undefined ? undefined : join(this.secretDir(project, name), `${chosen}.age`);
    if (file === undefined || !existsSync(file))
      throw new SecretError(
        "E_SECRET_NOT_FOUND",
        `project ${project} has no secret ${name}${version === undefined ? "" : ` version ${version}`}`,
        `set it with \`slipway secret set ${name}\` (the value is read from stdin or --from-file)`,
      );
    const { Decrypter } = await import("age-encryption");
    const decrypter = new Decrypter();
    decrypter.addIdentity((await this.machineKey()).identity);
    try {
      return await decrypter.decrypt(readFileSync(file), "text");
    } catch (error) {
      throw new SecretError(
        "E_SECRET_KEY",
        `secret ${name} version ${chosen} cannot be decrypted with this machine's key`,
        "the key file was replaced: restore the one the secrets were sealed with",
        error,
      );
    }
  }

  /** Projects that have secrets. */
  projects(): string[] {
    return existsSync(this.dir) ? readdirSync(this.dir).sort() : [];
  }

  list(project: string): SecretSummary[] {
    const dir = join(this.dir, checkSecretName(project));
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const versions = this.versions(project, name);
        const latest = versions.at(-1);
        if (latest === undefined) return [];
        const updatedAt = statSync(join(dir, name, `${latest}.age`)).mtimeMs;
        return [{ name, versions, latest, updatedAt: Math.round(updatedAt) }];
      });
  }

  /** Removes every version of a secret; false when there was none. */
  remove(project: string, name: string): boolean {
    const dir = this.secretDir(project, name);
    if (!existsSync(dir)) return false;
    rmSync(dir, { recursive: true, force: true });
    return true;
  }
}

/** The store of an agent home: `<home>/secrets`, sealed with `<home>/secrets.key`. */
export function secretStoreIn(home: string): SecretStore {
  return new SecretStore(join(home, "secrets"), join(home, "secrets.key"));
}
