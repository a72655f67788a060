import { createHash } from "node:crypto";

/** Label keys slipway puts on the Swarm objects it makes; `com.docker.stack.namespace` lets `docker stack ps` users find them. */
export const SWARM_LABEL = {
  stack: "com.docker.stack.namespace",
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  managed: "dev.slipway.managed",
  release: "dev.slipway.release",
  revision: "dev.slipway.revision",
  kind: "dev.slipway.kind",
  /** First digits of every task's port: slot N listens on `<prefix>N` (see ports.ts). */
  portPrefix: "dev.slipway.port-prefix",
} as const;

/** Swarm object names allow `[a-zA-Z0-9][a-zA-Z0-9_.-]`, at most 63 characters for services. */
const nameSafe = (text: string) => text.replace(/[^a-zA-Z0-9_.-]/g, "_");

/** A Compose service's Swarm service, named as `docker stack deploy` names it: `<project>_<service>`. */
export const swarmServiceName = (project: string, service: string): string =>
  nameSafe(`${project}_${service}`).slice(0, 63);

/** The one-off job service of a migration or run: `<project>_<service>_<kind>_<release>`. */
export const swarmJobName = (project: string, service: string, kind: string, release: string): string =>
  nameSafe(`${project}_${service}_${kind}_${release}`).slice(0, 63);

/**
 * Swarm secrets and configs are immutable: each version gets its own name, so a release that
 * changes one makes a new object and the previous release keeps the one it mounted.
 */
export const versionedName = (project: string, name: string, version: string): string =>
  nameSafe(`${project}_${name}_${version}`).slice(0, 64);

/** A short content version (first 12 hex digits of SHA-256). */
export const contentVersion = (data: Buffer | string): string =>
  createHash("sha256").update(data).digest("hex").slice(0, 12);

/** The labels every object of a project carries (services, jobs, secrets, configs, volumes). */
export const projectLabels = (project: string): Record<string, string> => ({
  [SWARM_LABEL.stack]: project,
  [SWARM_LABEL.project]: project,
  [SWARM_LABEL.managed]: "true",
});
