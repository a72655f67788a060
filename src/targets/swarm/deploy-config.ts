import type Dockerode from "dockerode";
import type { ServiceSpec } from "../../manifest/model.js";

/** The Engine API counts durations in nanoseconds. */
const NS_PER_MS = 1_000_000;
/** slipway's default pause between update batches (Compose's is 0; see updateConfig). */
const UPDATE_DELAY_MS = 3000;
const ns = (duration: { readonly ms: number } | undefined): number | undefined =>
  duration === undefined ? undefined : Math.round(duration.ms * NS_PER_MS);

type UpdateSettings = NonNullable<ServiceSpec["deploy"]["update_config"]>;

/**
 * Compose `update_config` / `rollback_config` as Swarm's UpdateConfig. Defaults where Compose leaves
 * them: parallelism 1, order stop-first; failure_action `rollback` for updates and `continue` for
 * rollbacks (slipway's contract: a failed deploy ends with the previous release serving, not half-way);
 * an update waits 3 s between batches: Swarm misses a task that fails before it counts as running and
 * moves on to stop the next replica at once, and the pause lets slipway's watcher see it and roll back.
 */
export function updateConfig(
  settings: UpdateSettings | undefined,
  kind: "update" | "rollback",
): Dockerode.UpdateConfig {
  return {
    Parallelism: settings?.parallelism ?? 1,
    Delay: ns(settings?.delay) ?? (kind === "update" ? UPDATE_DELAY_MS * NS_PER_MS : 0),
    FailureAction: settings?.failure_action ?? (kind === "update" ? "rollback" : "continue"),
    // 0 lets Swarm use its own default (5 s).
    Monitor: ns(settings?.monitor) ?? 0,
    MaxFailureRatio: settings?.max_failure_ratio ?? 0,
    Order: settings?.order ?? "stop-first",
  };
}

/** `replicated` (with `replicas`), `global`, or one of the job modes. */
export function serviceMode(service: ServiceSpec): Dockerode.ServiceMode {
  switch (service.deploy.mode) {
    case "global":
      return { Global: {} };
    case "replicated-job":
      return { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: Math.max(1, service.deploy.replicas) } };
    case "global-job":
      return { GlobalJob: {} };
    default:
      return { Replicated: { Replicas: service.deploy.replicas } };
  }
}

/** `deploy.restart_policy` (else Compose `restart`) as Swarm's; Swarm restarts tasks itself. */
export function restartPolicy(service: ServiceSpec): Dockerode.TaskRestartPolicy {
  const policy = service.deploy.restart_policy;
  if (policy)
    return {
      Condition: policy.condition,
      Delay: ns(policy.delay),
      MaxAttempts: policy.max_attempts,
      Window: ns(policy.window),
    };
  const restart = service.restart;
  if (restart === "no") return { Condition: "none" };
  if (restart?.startsWith("on-failure")) {
    const max = restart.split(":")[1];
    return { Condition: "on-failure", MaxAttempts: max === undefined ? undefined : Number(max) };
  }
  return { Condition: "any" };
}

/** `deploy.resources` (else `cpus` / `mem_limit`) as Swarm's limits and reservations. */
export function resources(service: ServiceSpec): Dockerode.ResourceRequirements {
  const { limits, reservations } = service.deploy.resources ?? {};
  const cpus = limits?.cpus ?? service.cpus;
  const memory = limits?.memory ?? service.mem_limit;
  return {
    Limits: {
      NanoCPUs: cpus === undefined ? undefined : Math.round(Number(cpus) * 1e9),
      MemoryBytes: memory === undefined ? undefined : Number(memory),
      ...(limits?.pids !== undefined ? { Pids: limits.pids } : {}),
    },
    Reservations: {
      NanoCPUs: reservations?.cpus === undefined ? undefined : Math.round(Number(reservations.cpus) * 1e9),
      MemoryBytes: reservations?.memory === undefined ? undefined : Number(reservations.memory),
    },
  } as Dockerode.ResourceRequirements;
}

/** `deploy.placement`: constraints (`node.labels.zone==a` …), spread preferences, max replicas per node. */
export function placement(service: ServiceSpec): Dockerode.Placement {
  const placement = service.deploy.placement;
  return {
    Constraints: placement?.constraints ? [...placement.constraints] : undefined,
    Preferences: placement?.preferences?.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
    MaxReplicas: placement?.max_replicas_per_node,
  } as Dockerode.Placement;
}

/** Compose `healthcheck` in the Engine's form; Swarm waits for it before a task counts as running. */
export function healthCheck(service: ServiceSpec): Dockerode.HealthConfig | undefined {
  const check = service.healthcheck;
  if (!check) return undefined;
  if (check.disable) return { Test: ["NONE"] };
  if (!check.test) return undefined;
  return {
    Test: [...check.test],
    Interval: ns(check.interval),
    Timeout: ns(check.timeout),
    Retries: check.retries,
    StartPeriod: ns(check.start_period),
  };
}
