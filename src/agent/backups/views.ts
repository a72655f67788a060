import type { BackupManifest, PruneCandidate, RetentionPlan } from "../../backup/index.js";

/** One backup as `backup list` shows it. */
export interface BackupRow {
  readonly id: string;
  readonly service: string;
  readonly engine: string;
  readonly createdAt: string;
  readonly release: string | null;
  /** Bytes in the store. */
  readonly size: number;
  readonly encrypted: boolean;
  /** `ok` or `failed` by the last verification; null when never verified. */
  readonly verified: "ok" | "failed" | null;
  readonly verifiedAt: string | null;
  readonly object: string;
}

export function backupRow(manifest: BackupManifest): BackupRow {
  return {
    id: manifest.id,
    service: manifest.service,
    engine: manifest.engine,
    createdAt: manifest.createdAt,
    release: manifest.release ?? null,
    size: manifest.sizes.stored,
    encrypted: manifest.encryption !== null,
    verified: manifest.verify ? (manifest.verify.ok ? "ok" : "failed") : null,
    verifiedAt: manifest.verify?.checkedAt ?? null,
    object: manifest.object,
  };
}

/** What retention keeps (with why) and deletes for one service. */
export interface PrunePlanView {
  readonly service: string;
  readonly keep: readonly { readonly id: string; readonly reasons: readonly string[] }[];
  readonly delete: readonly string[];
}

export function prunePlanView(service: string, plan: RetentionPlan<PruneCandidate>): PrunePlanView {
  return {
    service,
    keep: plan.keep.map(({ backup, reasons }) => ({
      id: backup.id,
      reasons: reasons.map((r) => ("bucket" in r ? `${r.rule} ${r.bucket}` : r.rule)),
    })),
    delete: plan.delete.map((backup) => backup.id),
  };
}
