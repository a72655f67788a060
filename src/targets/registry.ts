import { SlipwayError } from "../errors.js";
import type { SlipwayPaths } from "../state/paths.js";
import { isContainerHandle } from "./docker/handles.js";
import { LazyOrchestrator } from "./lazy-orchestrator.js";
import { LazyTarget } from "./lazy-target.js";
import type { Orchestrator } from "./orchestrator.js";
import { ProcessTarget } from "./process/process-target.js";
import type { InstanceHandle, Target } from "./target.js";

/** What every target is made with. */
export interface TargetContext {
  readonly paths: SlipwayPaths;
  /** Told when part of a spec is not honoured on this target (limits, user, hosts file). */
  readonly onWarning: (instanceId: string, message: string) => void;
}

/** The names `x-slipway.target` accepts. */
export type TargetName = "process" | "docker" | "swarm" | "kubernetes";

const TARGETS: Partial<Record<TargetName, (context: TargetContext) => Target>> = {
  process: (context) => new ProcessTarget(context),
  // The Docker client loads with the first container, not with the agent.
  docker: (context) =>
    new LazyTarget("docker", { nativeRollout: false, enforcesLimits: true }, async () => {
      const { DockerTarget } = await import("./docker/docker-target.js");
      return new DockerTarget(context);
    }),
};

/**
 * Targets that run their own rollout: the deployer hands them whole services (orchestrator.ts)
 * instead of starting instances. The Docker client loads with the first use.
 */
const ORCHESTRATORS: Partial<Record<TargetName, (context: TargetContext) => Orchestrator>> = {
  swarm: (context) =>
    new LazyOrchestrator("swarm", async () => {
      const { SwarmOrchestrator } = await import("./swarm/swarm-orchestrator.js");
      return new SwarmOrchestrator(context.paths);
    }),
};

/** What a target needs to be there before a deploy changes anything (an engine that answers). */
const PREFLIGHTS: Partial<Record<TargetName, () => Promise<void>>> = {
  docker: async () => {
    const { connectEngine, requireEngine } = await import("./docker/engine.js");
    await requireEngine(connectEngine());
  },
  swarm: async () => {
    const { connectEngine } = await import("./docker/engine.js");
    const { requireSwarm } = await import("./swarm/engine.js");
    await requireSwarm(connectEngine());
  },
};

/**
 * Refuses, before anything changes, a target that has no driver in this build or that cannot run
 * instances now (E_DOCKER_UNAVAILABLE when no Docker engine answers), with a hint how to fix it.
 */
export async function preflightTarget(name: TargetName): Promise<void> {
  requireTarget(name);
  await PREFLIGHTS[name]?.();
}

/** Which target started the instance a handle names: a container's handle carries its 64-hex id. */
export const targetOfHandle = (handle: InstanceHandle): TargetName =>
  isContainerHandle(handle) ? "docker" : "process";

/** Refuses a target that has no driver in this build: a coded error, never a silent fallback to another. */
function requireTarget(name: TargetName): void {
  if (TARGETS[name] || ORCHESTRATORS[name]) return;
  throw new SlipwayError({
    code: "E_TARGET_UNAVAILABLE",
    message: `the ${name} target is not available in this build of slipway`,
    hint: `available: ${[...Object.keys(TARGETS), ...Object.keys(ORCHESTRATORS)].join(", ")}; remove x-slipway.target or set it to process`,
  });
}

/** The instance-level target a project asks for (`x-slipway.target`); an orchestrator target has none. */
export function createTarget(name: TargetName, context: TargetContext): Target {
  requireTarget(name);
  const make = TARGETS[name];
  if (!make)
    throw new SlipwayError({
      code: "E_TARGET_UNAVAILABLE",
      message: `the ${name} target runs whole services through its engine, not single instances`,
      hint: "this command is not available for services of that target",
    });
  return make(context);
}

/** The orchestrator of a target that runs its own rollout (swarm); undefined for instance-level targets. */
export function createOrchestrator(name: TargetName, context: TargetContext): Orchestrator | undefined {
  return ORCHESTRATORS[name]?.(context);
}
