/** The shapes the agent answers with (src/agent/dashboard/views.ts, api.ts and the agent API). */

export interface InstanceFigures {
  readonly id: string;
  readonly service: string;
  readonly release: string;
  readonly state: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly restarts: number;
  readonly cpuSeconds: number | null;
  readonly rssBytes: number | null;
}

export interface ProjectOverview {
  readonly project: string;
  readonly release: string | null;
  readonly releaseNumber: number | null;
  readonly down: boolean;
  readonly services: readonly string[];
  readonly instances: readonly InstanceFigures[];
  readonly deploying: boolean;
}

export interface Overview {
  readonly projects: readonly ProjectOverview[];
  readonly maintenance: boolean;
  readonly now: number;
}

export interface DeployRecord {
  readonly id: number;
  readonly releaseId: string;
  readonly fromReleaseId?: string;
  readonly kind: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly status: string;
  readonly error?: { message?: string; code?: string; hint?: string } | string;
}

export interface ReleaseRecord {
  readonly id: string;
  readonly number: number;
  readonly createdAt: number;
  readonly status: string;
}

export interface Releases {
  readonly releases: readonly ReleaseRecord[];
  readonly deploys: readonly DeployRecord[];
}

export interface StoredEvent {
  readonly id: number;
  readonly ts: number;
  readonly service?: string;
  readonly kind: string;
  readonly level: string;
  readonly message: string;
}

/** A live deploy event (src/deploy/events.ts). */
export type DeployEvent =
  | { type: "deploy.started"; deployId: number; release: string; from?: string }
  | { type: "service"; service: string; phase: string; detail?: string }
  | { type: "plan" }
  | { type: "step"; service: string; action: string; reasons: string[] }
  | { type: "log"; level: string; message: string }
  | {
      type: "deploy.finished";
      status: string;
      release: string;
      error?: { code: string; message: string; hint?: string };
    };
