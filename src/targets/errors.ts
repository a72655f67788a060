import type { ErrorCatalogue } from "../errors.js";

/** Codes of the targets: starting, running and stopping instances where services run. */
export const TARGET_ERRORS = {
  E_TARGET_START:
    "an instance could not be started (its command is missing, not executable, or its logs cannot be opened)",
  E_TARGET_UNAVAILABLE: "`x-slipway.target` names a target this build has no driver for",
  E_TARGET_UNSUPPORTED_IMAGE:
    "the process target cannot run this image natively (only `build:`, postgres and redis)",
  E_NATIVE_NO_COMMAND:
    "a built service has no command to run (no `command`, `start` script or `x-slipway.process.run`)",
  E_NATIVE_CONFIG: "a setting of a natively run database the process target cannot honour",
  E_NATIVE_PREPARE: "preparing a native database (initdb) failed",
  E_DOCKER_UNAVAILABLE:
    "no Docker engine answers where `DOCKER_HOST` (or the default socket) points; the hint says how to start one",
  E_DOCKER_PULL: "pulling an image failed (it names the image); nothing was changed",
  E_DOCKER_IMAGE_MISSING: "an image is not on the engine and `pull_policy: never` forbids pulling it",
  E_SWARM_INACTIVE:
    "the Docker engine is not a manager of an active swarm (`docker swarm init` / `join`); nothing was changed",
  E_SWARM_APPLY:
    "Swarm refused a service or job spec (the message has the engine's reason); nothing new runs",
  E_SWARM_PUSH:
    "pushing a release image to `x-slipway.registry` failed (the message has the registry's reason); the previous release keeps running",
  E_SWARM_REGISTRY_AUTH:
    "the registry of `x-slipway.registry` wants a login the Docker config does not have, or refused it (`docker login`); no credential is printed",
  E_SWARM_REPLICAS:
    "more replicas than the swarm target's per-slot loopback ports allow (9 per service), or no free port range",
} as const satisfies ErrorCatalogue;
