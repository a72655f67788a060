import type { RolloutProgress } from "../orchestrator.js";
import type { EngineTask } from "./tasks.js";
import { releaseOfTask } from "./tasks.js";

/** Task states after which a task never runs again. */
const FAILED = new Set(["failed", "rejected", "orphaned"]);

/** What the engine reports of a service at one moment: its update state and its tasks. */
export interface EngineSnapshot {
  /** `UpdateStatus.State`; absent when the service was just created or the update has not begun. */
  readonly updateState?: string | undefined;
  readonly updateMessage?: string | undefined;
  /** Tasks the service wants running now (`ServiceStatus.DesiredTasks`). */
  readonly desired: number;
  readonly tasks: readonly EngineTask[];
}

export type Settled =
  | { readonly settled: false; readonly progress: RolloutProgress }
  | {
      readonly settled: true;
      readonly outcome: "converged" | "paused" | "rolled-back" | "failed";
      readonly message: string;
      /** The task whose failure decided it, for its error and last log lines. */
      readonly failedTask?: EngineTask | undefined;
    };

/** The newest failed task of `release` (the one whose error explains the failure). */
export function lastFailedTask(tasks: readonly EngineTask[], release?: string): EngineTask | undefined {
  return tasks
    .filter(
      (t) => FAILED.has(t.Status?.State ?? "") && (release === undefined || releaseOfTask(t) === release),
    )
    .sort((a, b) => Date.parse(b.CreatedAt ?? "") - Date.parse(a.CreatedAt ?? ""))[0];
}

/**
 * Whether a service's move to `release` has settled (pure: unit-tested on recorded snapshots).
 * Converged: no update running, and exactly the desired number of tasks run, all of `release` (a
 * start-first update's old tasks gone). Paused / rolled back: Swarm's own verdict. A new service
 * (no update to roll back) fails after `maxFailures` failed tasks of the release.
 */
export function settle(snapshot: EngineSnapshot, release: string, maxFailures = 3): Settled {
  const { updateState, tasks, desired } = snapshot;
  const live = tasks.filter((t) => t.DesiredState === "running" || t.Status?.State === "running");
  const running = live.filter((t) => t.Status?.State === "running");
  const current = running.filter((t) => releaseOfTask(t) === release);
  const failed = lastFailedTask(tasks, release);
  const why = (fallback: string) =>
    [snapshot.updateMessage, failed?.Status?.Err].filter(Boolean).join(": ") || fallback;
  if (updateState === "paused" || updateState === "rollback_paused")
    return { settled: true, outcome: "paused", message: why("the update was paused"), failedTask: failed };
  if (updateState === "rollback_completed")
    return {
      settled: true,
      outcome: "rolled-back",
      message: why("the update was rolled back"),
      failedTask: failed,
    };
  const updating = updateState === "updating" || updateState === "rollback_started";
  if (!updating && current.length === desired && running.length === desired)
    return { settled: true, outcome: "converged", message: `${desired} of ${desired} tasks running` };
  const failures = tasks.filter(
    (t) => FAILED.has(t.Status?.State ?? "") && releaseOfTask(t) === release,
  ).length;
  if (updateState === undefined && failures >= maxFailures)
    return { settled: true, outcome: "failed", message: why("its tasks keep failing"), failedTask: failed };
  const byNode: Record<string, number> = {};
  for (const task of running) byNode[task.NodeID ?? ""] = (byNode[task.NodeID ?? ""] ?? 0) + 1;
  return {
    settled: false,
    progress: { running: current.length, desired, byNode, updateState },
  };
}
