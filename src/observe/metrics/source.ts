import type { StateStore } from "../../state/index.js";

/** One backup as the metrics see it. */
export interface BackupFigure {
  readonly service: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Bytes in the store. */
  readonly size: number;
  /** By its last verification; null when never verified. */
  readonly verified: "ok" | "failed" | null;
  /** Milliseconds since the epoch; null when never verified. */
  readonly verifiedAt: number | null;
}

/** One certificate the router serves. */
export interface CertificateFigure {
  readonly domains: readonly string[];
  readonly source: string;
  readonly notAfter: Date;
}

/** What the agent's metrics are read from: its state, and the few things state does not hold. */
export interface MetricsSource {
  readonly store: StateStore;
  /** Projects the agent knows. */
  projects(): readonly string[];
  /** The cron expression of a scheduled service in the project's active release, if it has one. */
  cronOf(project: string, service: string): string | undefined;
  /** Every backup of the project, any order; empty when it has none or they cannot be listed. */
  backups(project: string): Promise<readonly BackupFigure[]>;
  certificates(): Promise<readonly CertificateFigure[]>;
}
