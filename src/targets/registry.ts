import { SlipwayError } from "../errors.js";
import type { SlipwayPaths } from "../state/paths.js";
import { isContainerHandle } from "./docker/handles.js";
import { LazyTarget } from "./lazy-target.js";
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

/** What a target needs to be there before a deploy changes anything (an engine that answers). */
const PREFLIGHTS: Partial<Record<TargetName, () => Promise<void>>> = {
  docker: async () => {
    const { connectEngine, requireEngine } = await import("./docker/engine.js");
    await requireEngine(connectEngine());
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
function requireTarget(name: TargetName): (context: TargetContext) => Target {
  const make = TARGETS[name];
  if (!make)
    throw new SlipwayError({
      code: "E_TARGET_UNAVAILABLE",
      message: `the ${name} target is not available in this build of slipway`,
      hint: `available: ${Object.keys(TARGETS).join(", ")}; remove x-slipway.target or set it to process`,
    });
  return make;
}

/** The target a project asks for (`x-slipway.target`). */
export function createTarget(name: TargetName, context: TargetContext): Target {
  return requireTarget(name)(context);
}
