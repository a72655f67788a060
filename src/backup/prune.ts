import { deleteBackup, listBackups } from "./catalog.js";
import type { BackupManifest } from "./manifest.js";
import { planRetention, type RetentionPlan, type RetentionPolicy } from "./retention.js";
import type { BackupStore } from "./store.js";

/** A backup as retention sees it. */
export interface PruneCandidate {
  readonly id: string;
  readonly createdAt: string;
  readonly verified: boolean;
  readonly manifest: BackupManifest;
}

/** Applies a retention policy to one service's backups. */
export interface PruneOptions {
  readonly store: BackupStore;
  readonly project: string;
  readonly service: string;
  readonly policy: RetentionPolicy;
  /** Default the current time. */
  readonly now?: Date;
  /** Plan only; delete nothing. Default false. */
  readonly dryRun?: boolean;
}

/** Deletes the backups the policy does not keep (never the newest verified one) and returns the plan. */
export async function pruneBackups(options: PruneOptions): Promise<RetentionPlan<PruneCandidate>> {
  const { backups } = await listBackups(options.store, options.project, options.service);
  const candidates = backups.map((manifest) => ({
    id: manifest.id,
    createdAt: manifest.createdAt,
    verified: manifest.verify?.ok === true,
    manifest,
  }));
  const plan = planRetention(candidates, options.policy, options.now ?? new Date());
  if (!options.dryRun) {
    for (const candidate of plan.delete) await deleteBackup(options.store, candidate.manifest);
  }
  return plan;
}
