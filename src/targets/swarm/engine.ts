import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import { engineAddress, requireEngine } from "../docker/engine.js";

/**
 * Refuses an engine that is not a manager of an active swarm (E_SWARM_INACTIVE, with how to make
 * one): services can only be created through a manager.
 */
export async function requireSwarm(docker: Dockerode): Promise<void> {
  await requireEngine(docker);
  const info = (await docker.info()) as {
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
  };
  const state = info.Swarm?.LocalNodeState ?? "inactive";
  if (state === "active" && info.Swarm?.ControlAvailable) return;
  throw new SlipwayError({
    code: "E_SWARM_INACTIVE",
    message:
      state === "active"
        ? `the Docker engine at ${engineAddress()} is a swarm worker; services are deployed through a manager`
        : `the Docker engine at ${engineAddress()} is not part of a swarm (its state: ${state})`,
    hint: "run `docker swarm init` on the first manager (and `docker swarm join` on the others), or point DOCKER_HOST at a manager",
  });
}

/** Whether an Engine API error means "no such object". */
export const isNotFound = (error: unknown): boolean => (error as { statusCode?: number }).statusCode === 404;
