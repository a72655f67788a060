import { databaseKind } from "./images.js";
import type { ServiceSpec } from "./model.js";
import { resolveHostPath } from "./rebase-paths.js";
import type { ComposeFile, ServiceFile } from "./schema/compose.js";
import type { ServiceSlipway, StrategyName } from "./schema/slipway.js";

type ServiceLogs = ServiceSlipway["logs"];

/** What a service's normalization needs from the project. */
export interface ServiceContext {
  /** Directory relative paths are resolved against. */
  readonly base: string;
  /** Variables a bare `KEY` in `environment` takes its value from. */
  readonly lookup: (name: string) => string | undefined;
}

/** The strategy a service gets when it names none: stateful services are recreated, others rolled start-first. */
function defaultStrategy(service: ServiceFile, project: ComposeFile): StrategyName {
  if (project["x-slipway"].strategy) return project["x-slipway"].strategy;
  if (service.deploy?.update_config?.order) return "rolling";
  const hasNamedVolume = service.volumes.some((m) => m.type === "volume" && m.source !== undefined);
  return databaseKind(service.image) || hasNamedVolume ? "recreate" : "rolling";
}

/** One service with every default filled in and every path absolute. */
export function normalizeService(
  name: string,
  service: ServiceFile,
  project: ComposeFile,
  networks: Record<string, unknown>,
  { base, lookup }: ServiceContext,
): ServiceSpec {
  const environment: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(service.environment)) {
    // A bare `KEY` takes its value from the environment slipway runs in, as Compose does.
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) environment[key] = resolved;
  }
  const healthcheck =
    service.healthcheck?.test?.[0] === "NONE"
      ? { ...service.healthcheck, disable: true }
      : service.healthcheck;
  const slipway = service["x-slipway"];
  return {
    ...service,
    name,
    environment,
    healthcheck,
    build: service.build && {
      ...service.build,
      context: /^(https?:|git@|git:|ssh:)/.test(service.build.context)
        ? service.build.context
        : resolveHostPath(service.build.context, base),
    },
    env_file: service.env_file.map((entry) => ({ ...entry, path: resolveHostPath(entry.path, base) })),
    volumes: service.volumes.map((mount) =>
      mount.type === "bind" && mount.source
        ? { ...mount, source: resolveHostPath(mount.source, base) }
        : mount,
    ),
    networks,
    deploy: {
      ...(service.deploy ?? { mode: "replicated" }),
      replicas: service.deploy?.replicas ?? service.scale ?? 1,
    },
    "x-slipway": {
      ...slipway,
      strategy: slipway.strategy ?? defaultStrategy(service, project),
      routes: slipway.routes.map((route) =>
        route.static ? { ...route, static: resolveHostPath(route.static, base) } : route,
      ),
      logs: logsOf(slipway.logs, project["x-slipway"].logs),
      backups: slipway.backups && {
        ...slipway.backups,
        engine: slipway.backups.engine ?? databaseKindOrVolume(service.image),
      },
    },
  };
}

/** A service's log bounds, each key it does not set taken from the project's; absent when neither sets any. */
function logsOf(service: ServiceLogs, project: ServiceLogs): ServiceLogs {
  if (!service && !project) return undefined;
  return {
    max_size: service?.max_size ?? project?.max_size,
    max_files: service?.max_files ?? project?.max_files,
  };
}

function databaseKindOrVolume(image: string | undefined): "postgres" | "redis" | "volume" {
  const kind = databaseKind(image);
  return kind === "postgres" || kind === "redis" ? kind : "volume";
}
