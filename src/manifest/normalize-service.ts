import { databaseKind } from "./images.js";
import type { ServiceSpec } from "./model.js";
import { isLocalContext, resolveHostPath } from "./rebase-paths.js";
import type { ComposeFile, ServiceFile } from "./schema/compose.js";
import type { ServiceSlipway, StrategyName } from "./schema/slipway.js";
import type { ServiceFileValues } from "./service-files.js";

type ServiceLogs = ServiceSlipway["logs"];

/** What a service's normalization needs from the project. */
export interface ServiceContext {
  /** Directory relative paths are resolved against. */
  readonly base: string;
  /** Variables a bare `KEY` in `environment` takes its value from. */
  readonly lookup: (name: string) => string | undefined;
  /** What the service's `env_file` and `label_file` files say. */
  readonly files: ServiceFileValues;
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
  { base, lookup, files }: ServiceContext,
): ServiceSpec {
  // env_file values first, `environment` on top, as `docker compose config` shows them
  const environment: Record<string, string | null> = Object.fromEntries(files.environment);
  for (const [key, value] of Object.entries(service.environment)) {
    // A bare `KEY` takes its value from the environment slipway runs in, as Compose does. When
    // that does not set it either, KEY is left out; over an env_file value it is null, as in
    // `docker compose config`: the service does not get the env_file's value.
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) environment[key] = resolved;
    else if (Object.hasOwn(environment, key)) environment[key] = null;
  }
  // label_file values first, `labels` on top; an empty label is "", not null
  const labelEntries = [...files.labels, ...Object.entries(service.labels ?? {})];
  const labels =
    labelEntries.length === 0 && service.labels === undefined
      ? undefined
      : Object.fromEntries(labelEntries.map(([key, value]) => [key, value ?? ""]));
  const healthcheck =
    service.healthcheck?.test?.[0] === "NONE"
      ? { ...service.healthcheck, disable: true }
      : service.healthcheck;
  const slipway = service["x-slipway"];
  return {
    ...service,
    name,
    environment,
    labels,
    healthcheck,
    build: service.build && resolveBuildPaths(service.build, base),
    develop: service.develop && {
      ...service.develop,
      ...(service.develop.watch && {
        watch: service.develop.watch.map((entry) => ({ ...entry, path: resolveHostPath(entry.path, base) })),
      }),
    },
    // a secret is mounted under /run/secrets unless its target is an absolute path
    secrets: service.secrets.map((grant) => {
      const target = ("target" in grant ? grant.target : undefined) ?? grant.source;
      return { ...grant, target: target.startsWith("/") ? target : `/run/secrets/${target}` };
    }),
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

const REMOTE_CONTEXT = /^(https?:|git@|git:|ssh:)/;

type Build = NonNullable<ServiceFile["build"]>;

/** Build paths made absolute as the reference does: the context, local additional contexts, ssh keys. */
function resolveBuildPaths(build: Build, base: string): Build {
  const local = (value: string | null) =>
    value === null || !isLocalContext(value) ? value : resolveHostPath(value, base);
  const mapValues = (record: Record<string, string | null> | undefined) =>
    record && Object.fromEntries(Object.entries(record).map(([key, value]) => [key, local(value)]));
  return {
    ...build,
    context: REMOTE_CONTEXT.test(build.context) ? build.context : resolveHostPath(build.context, base),
    ...("additional_contexts" in build && { additional_contexts: mapValues(build.additional_contexts) }),
    ...("ssh" in build && { ssh: mapValues(build.ssh) }),
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
