import { z } from "zod";
import type { EngineKind } from "./engine.js";
import { BackupError } from "./errors.js";
import { checkName } from "./ids.js";
import { type Compression, compressionSuffix } from "./pipeline/compression.js";

const checkResult = z.object({ name: z.string(), ok: z.boolean(), message: z.string() });

const verifyResult = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  durationMs: z.number(),
  details: z.object({
    checks: z.array(checkResult),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
});

const manifestSchema = z.object({
  format: z.literal(1),
  id: z.string(),
  project: z.string(),
  service: z.string(),
  engine: z.enum(["postgres", "redis", "volume"]),
  createdAt: z.string(),
  release: z.string().optional(),
  object: z.string(),
  sizes: z.object({ raw: z.number().int().nonnegative(), stored: z.number().int().nonnegative() }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  compression: z.enum(["zstd", "gzip", "none"]),
  encryption: z.object({ recipients: z.array(z.string()).min(1) }).nullable(),
  tools: z.record(z.string(), z.string()),
  durationMs: z.number().nonnegative(),
  contents: z.record(z.string(), z.unknown()),
  verify: verifyResult.optional(),
});

/** The outcome of proving a backup restores; recorded in its manifest. */
export type VerifyResult = z.infer<typeof verifyResult>;

/** Everything known about one backup, stored as JSON beside its object. */
export type BackupManifest = Readonly<z.infer<typeof manifestSchema>>;

/** `project/service/`: where one service's backups live in a store. */
export function servicePrefix(project: string, service: string): string {
  return `${checkName("project", project)}/${checkName("service", service)}/`;
}

/** Key of the manifest of backup `id`. */
export function manifestKey(project: string, service: string, id: string): string {
  return `${servicePrefix(project, service)}${checkName("backup id", id)}.manifest.json`;
}

/** Key of the backup object itself (`…/<id>.postgres.zst.age`). */
export function objectKey(
  project: string,
  service: string,
  id: string,
  engine: EngineKind,
  compression: Compression,
  encrypted: boolean,
): string {
  const suffix = `.${engine}${compressionSuffix(compression)}${encrypted ? ".age" : ""}`;
  return `${servicePrefix(project, service)}${checkName("backup id", id)}${suffix}`;
}

/** True for keys that name a manifest. */
export function isManifestKey(key: string): boolean {
  return key.endsWith(".manifest.json");
}

/** Parses manifest JSON read from a store; anything malformed is `E_BACKUP_CORRUPT`. */
export function parseManifest(text: string, key: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError("E_BACKUP_CORRUPT", `the manifest ${key} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError(
      "E_BACKUP_CORRUPT",
      `the manifest ${key} is malformed: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
    );
  }
  return parsed.data;
}

/** The manifest, when `kind` is the engine that made it; anything else is `E_BACKUP_CONFIG`. */
export function checkEngine(manifest: BackupManifest, kind: EngineKind): BackupManifest {
  if (manifest.engine !== kind) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `backup ${manifest.id} is a ${manifest.engine} backup; the ${kind} engine cannot read it`,
    );
  }
  return manifest;
}

export function serializeManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
