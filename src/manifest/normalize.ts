import { formatPath, type Problem } from "../errors.js";
import { projectNameFromDirectory } from "./discover.js";
import { databaseKind } from "./images.js";
import { locate } from "./located.js";
import type { AppSpec, ServiceSpec } from "./model.js";
import { resolveHostPath } from "./rebase-paths.js";
import type { ComposeFile, ServiceFile } from "./schema/compose.js";
import { Duration } from "./schema/duration.js";
import type { StrategyName } from "./schema/slipway.js";

interface NormalizeOptions {
  readonly files: readonly string[];
  readonly projectDirectory: string;
  readonly projectName: string | undefined;
  readonly profiles: readonly string[];
  readonly lookup: (name: string) => string | undefined;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The strategy a service gets when it names none: stateful services are recreated, others rolled start-first. */
function defaultStrategy(service: ServiceFile, project: ComposeFile): StrategyName {
  if (project["x-slipway"].strategy) return project["x-slipway"].strategy;
  if (service.deploy?.update_config?.order) return "rolling";
  const hasNamedVolume = service.volumes.some((m) => m.type === "volume" && m.source !== undefined);
  return databaseKind(service.image) || hasNamedVolume ? "recreate" : "rolling";
}

function isActive(service: ServiceFile, profiles: ReadonlySet<string>): boolean {
  return service.profiles.length === 0 || profiles.has("*") || service.profiles.some((p) => profiles.has(p));
}

/** Fills in every default, makes paths absolute, applies profiles and checks cross-references. */
export function normalizeApp(
  data: ComposeFile,
  raw: unknown,
  options: NormalizeOptions,
): {
  readonly spec: AppSpec;
  readonly problems: readonly Problem[];
  readonly fromEnvironment: ReadonlySet<string>;
} {
  const problems: Problem[] = [];
  const problem = (code: string, path: (string | number)[], message: string, hint: string) =>
    problems.push({ code, message, hint, path: formatPath(path), location: locate(raw, path) });
  const base = options.projectDirectory;
  const name = options.projectName ?? data.name ?? projectNameFromDirectory(base);
  if (!PROJECT_NAME.test(name)) {
    problems.push({
      code: "E_MANIFEST_PROJECT_NAME",
      message: `"${name}" is not a valid project name`,
      hint: "use lowercase letters, digits, '_' and '-', starting with a letter or digit",
    });
  }
  const profiles = new Set(options.profiles);
  const disabledServices = Object.keys(data.services).filter((n) => !isActive(data.services[n]!, profiles));
  const services: Record<string, ServiceSpec> = {};
  let usesDefaultNetwork = false;
  const fromEnvironment = new Set<string>();

  for (const [serviceName, service] of Object.entries(data.services)) {
    if (disabledServices.includes(serviceName)) continue;
    const at = (...rest: (string | number)[]) => ["services", serviceName, ...rest];
    if (!service.image && !service.build) {
      problem(
        "E_MANIFEST_NO_IMAGE",
        at(),
        `service "${serviceName}" has neither image nor build`,
        "add image: or build:",
      );
    }
    for (const [dependency, condition] of Object.entries(service.depends_on)) {
      if (!(dependency in data.services)) {
        problem(
          "E_MANIFEST_UNKNOWN_SERVICE",
          at("depends_on", dependency),
          `service "${serviceName}" depends on "${dependency}", which is not defined`,
          `define services.${dependency} or remove it from depends_on`,
        );
      } else if (disabledServices.includes(dependency) && condition.required) {
        problem(
          "E_MANIFEST_DISABLED_SERVICE",
          at("depends_on", dependency),
          `service "${serviceName}" depends on "${dependency}", which no active profile enables`,
          `activate one of its profiles (--profile ${data.services[dependency]!.profiles[0]}) or set required: false`,
        );
      }
    }
    service.volumes.forEach((mount, index) => {
      if (mount.type === "volume" && mount.source && !(mount.source in data.volumes)) {
        problem(
          "E_MANIFEST_UNKNOWN_VOLUME",
          at("volumes", index),
          `volume "${mount.source}" is not declared in the top-level volumes`,
          `add \`volumes: { ${mount.source}: {} }\` at the top level, or write ./${mount.source} for a host directory`,
        );
      }
    });
    for (const kind of ["secrets", "configs"] as const) {
      service[kind].forEach((grant, index) => {
        if (!(grant.source in data[kind])) {
          problem(
            "E_MANIFEST_UNKNOWN_REFERENCE",
            at(kind, index),
            `${kind.slice(0, -1)} "${grant.source}" is not declared in the top-level ${kind}`,
            `declare it under ${kind}: at the top level`,
          );
        }
      });
    }
    const networks = service.networks ?? (service.network_mode ? {} : { default: null });
    for (const network of Object.keys(networks)) {
      if (network === "default") usesDefaultNetwork = true;
      else if (!(network in data.networks)) {
        problem(
          "E_MANIFEST_UNKNOWN_REFERENCE",
          at("networks", network),
          `network "${network}" is not declared in the top-level networks`,
          "declare it under networks: at the top level",
        );
      }
    }
    services[serviceName] = normalizeService(serviceName, service, data, networks, options);
    for (const [key, value] of Object.entries(service.environment)) {
      if (value === null) fromEnvironment.add(formatPath(at("environment", key)));
    }
  }

  const volumes = Object.fromEntries(
    Object.entries(data.volumes).map(([key, volume]) => [
      key,
      { ...volume, name: volume.name ?? (volume.external ? key : `${name}_${key}`) },
    ]),
  );
  const networks = Object.fromEntries(
    Object.entries(data.networks).map(([key, network]) => [
      key,
      { ...network, name: network.name ?? (network.external ? key : `${name}_${key}`) },
    ]),
  );
  if (usesDefaultNetwork && !networks.default) networks.default = { name: `${name}_default` };
  const fileObjects = (objects: ComposeFile["secrets"]) =>
    Object.fromEntries(
      Object.entries(objects).map(([key, object]) => [
        key,
        object.file ? { ...object, file: resolveHostPath(object.file, base) } : object,
      ]),
    );

  const spec: AppSpec = {
    name,
    projectDirectory: base,
    files: [...options.files],
    services,
    disabledServices,
    networks,
    volumes,
    secrets: fileObjects(data.secrets),
    configs: fileObjects(data.configs),
    models: data.models,
    "x-slipway": data["x-slipway"],
  };
  return { spec: deepFreeze(spec), problems, fromEnvironment };
}

function normalizeService(
  name: string,
  service: ServiceFile,
  project: ComposeFile,
  networks: Record<string, unknown>,
  options: NormalizeOptions,
): ServiceSpec {
  const base = options.projectDirectory;
  const environment: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(service.environment)) {
    // A bare `KEY` takes its value from the environment slipway runs in, as Compose does.
    const resolved = value ?? options.lookup(key);
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
      backups: slipway.backups && {
        ...slipway.backups,
        engine: slipway.backups.engine ?? databaseKindOrVolume(service.image),
      },
    },
  };
}

function databaseKindOrVolume(image: string | undefined): "postgres" | "redis" | "volume" {
  const kind = databaseKind(image);
  return kind === "postgres" || kind === "redis" ? kind : "volume";
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
