/**
 * Backups of PostgreSQL, Redis and directories: engine → gzip → age → sha256 → store, with a
 * manifest per backup, verification by test restore, and retention that never drops the newest
 * verified backup.
 */
export { type BackupOptions, runBackup } from "./backup.js";
export { deleteBackup, listBackups, readManifest, type UnreadableManifest } from "./catalog.js";
export type {
  BackupContents,
  BackupEngine,
  CheckResult,
  Connection,
  EngineDump,
  EngineKind,
  RestoreContext,
  RestoreOutcome,
  VerifyContext,
  VerifyOutcome,
} from "./engine.js";
export type { PostgresContents } from "./engines/postgres/dump.js";
export { PostgresBackupEngine, type PostgresEngineOptions } from "./engines/postgres/postgres-engine.js";
export type { PostgresRestoreTarget } from "./engines/postgres/restore.js";
export type { RedisContents } from "./engines/redis/dump.js";
export { RedisBackupEngine, type RedisEngineOptions } from "./engines/redis/redis-engine.js";
export type { RedisRestoreTarget } from "./engines/redis/restore.js";
export type { TreeStats as VolumeContents } from "./engines/volume/tree-stats.js";
export { VolumeBackupEngine, type VolumeRestoreTarget } from "./engines/volume/volume-engine.js";
export { BackupError, type BackupErrorCode } from "./errors.js";
export type { BackupManifest, VerifyResult } from "./manifest.js";
export type { Compression } from "./pipeline/compression.js";
export { type PruneCandidate, type PruneOptions, pruneBackups } from "./prune.js";
export { type RestoreOptions, restoreBackup } from "./restore.js";
export {
  type KeepReason,
  planRetention,
  type RetentionCandidate,
  type RetentionPlan,
  type RetentionPolicy,
} from "./retention.js";
export type { BackupStore, StoredObject } from "./store.js";
export { LocalStore } from "./stores/local/local-store.js";
export { S3Store, type S3StoreOptions } from "./stores/s3/s3-store.js";
export { type VerifyOptions, verifyBackup } from "./verify.js";
