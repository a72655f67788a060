import type { RolloutProgress } from "../orchestrator.js";
import type { EngineTask } from "./tasks.js";
import { releaseOfTask } from "./tasks.js";

/** Task states after which a task never runs again. */
const FAILED = new Set(["failed", "rejected", "orphaned"]);
/** States a service's task should never reach during an update (it ended, or was stopped, before it ran). */
const ENDED = new Set([...FAILED, "complete", "shutdown"]);

/**
 * A task of this update that ended already (unhealthy, crashed, exited): Swarm counts it as a
 * failure only when it sees it end inside the monitor window, and a task that fails fast can slip
 * by, letting the update stop the next replica. slipway rolls back at once on seeing one.
 */
export function updateTaskEnded(snapshot: EngineSnapshot, release: string): boolean {
  if (snapshot.updateState !== "updating" || snapshot.updateStartedAt === undefined) return false;
  const since = snapshot.updateStartedAt;
  return snapshot.tasks.some(
    (t) =>
      releaseOfTask(t) === release &&
      Date.parse(t.CreatedAt ?? "") >= since &&
      ENDED.has(t.Status?.State ?? ""),
  );
}

/** What the engine reports of a service at one moment: its update state and its tasks. */
export interface EngineSnapshot {
  /** `UpdateStatus.State`; absent when the service was just created or the update has not begun. */
  readonly updateState?: string | undefined;
  readonly updateMessage?: string | undefined;
  /** When the running update began (ms since epoch); tasks made since belong to it. */
  readonly updateStartedAt?: number | undefined;
  /**
   * The service spec's `ForceUpdate` counter: a task made under another value is from before a
   * forced replacement (`restart`) and does not count as converged. Undefined: not checked.
   */
  readonly forceUpdate?: number | undefined;
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
      /** The release's tasks, the one whose failure decided it first: for its error and last lines. */
      readonly failedTasks?: readonly EngineTask[] | undefined;
    };

/**
 * The tasks of `release` in the order their failure explains it: failed ones, then ones with an
 * error, then the rest, newest first (a rollback shuts the unhealthy task down before it fails; its
 * container still holds the healthcheck's output).
 */
export function failedTasks(tasks: readonly EngineTask[], release: string): EngineTask[] {
  const ofRelease = tasks
    .filter((t) => releaseOfTask(t) === release)
    .sort((a, b) => Date.parse(b.CreatedAt ?? "") - Date.parse(a.CreatedAt ?? ""));
  const rank = (t: EngineTask) => (FAILED.has(t.Status?.State ?? "") ? 0 : t.Status?.Err ? 1 : 2);
  return ofRelease.sort((a, b) => rank(a) - rank(b));
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
  const current = running.filter(
    (t) =>
      releaseOfTask(t) === release &&
      (snapshot.forceUpdate === undefined || (t.Spec?.ForceUpdate ?? 0) === snapshot.forceUpdate),
  );
  const candidates = failedTasks(tasks, release);
  const failed = candidates[0];
  const why = (fallback: string) =>
    [snapshot.updateMessage, failed?.Status?.Err].filter(Boolean).join(": ") || fallback;
  if (updateState === "paused")
    return {
      settled: true,
      outcome: "paused",
      message: why("the update was paused"),
      failedTasks: candidates,
    };
  // A rollback that paused half-way is still a rollback: slipway's revert finishes it.
  if (updateState === "rollback_completed" || updateState === "rollback_paused")
    return {
      settled: true,
      outcome: "rolled-back",
      message: why("the update was rolled back"),
      failedTasks: candidates,
    };
  const updating = updateState === "updating" || updateState === "rollback_started";
  if (!updating && current.length === desired && running.length === desired)
    return { settled: true, outcome: "converged", message: `${desired} of ${desired} tasks running` };
  const failures = tasks.filter(
    (t) => FAILED.has(t.Status?.State ?? "") && releaseOfTask(t) === release,
  ).length;
  if (updateState === undefined && failures >= maxFailures)
    return {
      settled: true,
      outcome: "failed",
      message: why("its tasks keep failing"),
      failedTasks: candidates,
    };
  const byNode: Record<string, number> = {};
  for (const task of running) byNode[task.NodeID ?? ""] = (byNode[task.NodeID ?? ""] ?? 0) + 1;
  return {
    settled: false,
    progress: { running: current.length, desired, byNode, updateState },
  };
}
