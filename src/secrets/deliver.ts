import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { ServiceSpec } from "../manifest/model.js";
import { fileVariable } from "./names.js";
import { mapRefs } from "./refs.js";
import type { SecretStore } from "./store.js";

/** `NAME@VERSION`: how a sealed release's service `secrets:` grant names what it delivers. */
const PINNED_SOURCE = /^([a-zA-Z0-9][a-zA-Z0-9._-]*)@(\d+)$/;

/** A secret file written for one instance: where, and who must own it. */
export interface DeliveredFile {
  readonly path: string;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

export interface DeliveredSecrets {
  /** The service with every `${secret:…}` resolved and `<NAME>_FILE` set for each delivered file. */
  readonly spec: ServiceSpec;
  readonly files: readonly DeliveredFile[];
  /** Each delivered file's content by its path, in memory only (a backup reads a password by its `_FILE`). */
  readonly contents: ReadonlyMap<string, string>;
}

/**
 * Resolves a sealed service's secrets at instance start: references in `environment` become values
 * (the process gets them in its environment, never in argv), and `secrets:` grants become files in
 * `dir` (mode from the grant, default 0400), named by their target's last segment.
 */
export async function deliverSecrets(
  store: SecretStore,
  project: string,
  service: ServiceSpec,
  dir: string,
  /** false for a command run beside a running instance (a probe): its files are already there. */
  write = true,
): Promise<DeliveredSecrets> {
  const environment: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(service.environment))
    environment[key] =
      value === null ? null : await mapRefs(value, (ref) => store.get(project, ref.name, ref.version));
  const files: DeliveredFile[] = [];
  const contents = new Map<string, string>();
  // Where Docker would mount each file (`/run/secrets/<name>`, or an absolute target): a variable
  // naming that place (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`) gets the real path.
  const mountedAt = new Map<string, string>();
  if (write && service.secrets.length > 0) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  for (const entry of service.secrets) {
    const grant: { source: string; target?: string; uid?: string; gid?: string; mode?: number } = entry;
    const pinned = PINNED_SOURCE.exec(grant.source);
    // Releases made before secrets were sealed never had them delivered: they start as they did.
    if (!pinned) continue;
    const name = basename(grant.target ?? pinned[1]!);
    const path = join(dir, name);
    const value = await store.get(project, pinned[1]!, Number(pinned[2]));
    contents.set(path, value);
    mountedAt.set(grant.target?.startsWith("/") ? grant.target : `/run/secrets/${name}`, path);
    if (write) writeFileSync(path, value, { mode: (grant.mode ?? 0o400) & 0o777 });
    const uid = grant.uid !== undefined ? Number(grant.uid) : undefined;
    const gid = grant.gid !== undefined ? Number(grant.gid) : undefined;
    files.push({ path, uid, gid });
    environment[fileVariable(name)] ??= path;
  }
  for (const [key, value] of Object.entries(environment))
    if (value !== null && mountedAt.has(value)) environment[key] = mountedAt.get(value)!;
  return { spec: { ...service, environment }, files, contents };
}

/** Gives delivered files (and their directory) to the user the instance runs as; a grant's uid/gid win. */
export function handOver(
  delivered: DeliveredSecrets,
  dir: string,
  owner: { uid: number; gid: number },
): void {
  if (delivered.files.length === 0) return;
  chownSync(dir, owner.uid, owner.gid);
  for (const file of delivered.files) chownSync(file.path, file.uid ?? owner.uid, file.gid ?? owner.gid);
}

/**
 * For a container whose user the agent does not know: files a grant gives a `uid`/`gid` (Compose's
 * long syntax) become theirs, and the directory lets them through (`0711`, no listing). Needs root.
 */
export function ownByGrants(delivered: DeliveredSecrets, dir: string): void {
  const owned = delivered.files.filter((file) => file.uid !== undefined || file.gid !== undefined);
  if (owned.length === 0) return;
  chmodSync(dir, 0o711);
  for (const file of owned) chownSync(file.path, file.uid ?? 0, file.gid ?? file.uid ?? 0);
}
