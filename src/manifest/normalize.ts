import { formatPath, type Problem } from "../errors.js";
import { projectNameFromDirectory } from "./discover.js";
import { locate } from "./located.js";
import type { AppSpec, ServiceSpec } from "./model.js";
import { normalizeService } from "./normalize-service.js";
import { PROJECT_NAME } from "./project-name.js";
import { isLocalBindVolume, resolveHostPath } from "./rebase-paths.js";
import type { ComposeFile, ServiceFile } from "./schema/compose.js";
import type { ProjectSlipway } from "./schema/slipway.js";
import { deepFreeze } from "./serialize.js";
import { checkServiceConsistency } from "./service-consistency.js";
import { readServiceFiles } from "./service-files.js";

interface NormalizeOptions {
  readonly files: readonly string[];
  readonly projectDirectory: string;
  readonly projectName: string | undefined;
  readonly profiles: readonly string[];
  readonly lookup: (name: string) => string | undefined;
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
      if (!Object.hasOwn(data.services, dependency)) {
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
      if (mount.type === "volume" && mount.source && !Object.hasOwn(data.volumes, mount.source)) {
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
        if (!Object.hasOwn(data[kind], grant.source)) {
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
      else if (!Object.hasOwn(data.networks, network)) {
        problem(
          "E_MANIFEST_UNKNOWN_REFERENCE",
          at("networks", network),
          `network "${network}" is not declared in the top-level networks`,
          "declare it under networks: at the top level",
        );
      }
    }
    for (const finding of checkServiceConsistency(serviceName, service, data))
      problem(finding.code, at(...finding.path), finding.message, finding.hint);
    const store = service["x-slipway"].backups?.store;
    if (store !== undefined && store !== "local" && !Object.hasOwn(data["x-slipway"].backups.stores, store)) {
      problem(
        "E_MANIFEST_UNKNOWN_REFERENCE",
        at("x-slipway", "backups", "store"),
        `backup store "${store}" is not declared in the top-level x-slipway.backups.stores`,
        'declare it under x-slipway.backups.stores, or use the built-in "local" store',
      );
    }
    const files = readServiceFiles(service, base, options.lookup);
    for (const { at: path, ...found } of files.problems)
      problems.push({
        ...found,
        path: formatPath(at(...path)),
        location: found.location ?? locate(raw, at(...path)),
      });
    services[serviceName] = normalizeService(serviceName, service, data, networks, {
      base,
      lookup: options.lookup,
      files,
    });
    for (const [key, value] of Object.entries(service.environment)) {
      if (value === null) fromEnvironment.add(formatPath(at("environment", key)));
    }
    // values read from env_file are not typed into the Compose file
    for (const key of files.environment.keys())
      if (!Object.hasOwn(service.environment, key)) fromEnvironment.add(formatPath(at("environment", key)));
  }

  const volumes = Object.fromEntries(
    Object.entries(data.volumes).map(([key, volume]) => [
      key,
      {
        ...volume,
        name: volume.name ?? (volume.external ? key : `${name}_${key}`),
        ...(isLocalBindVolume(volume) && {
          driver_opts: {
            ...volume.driver_opts,
            device: resolveHostPath(String(volume.driver_opts?.device), base),
          },
        }),
      },
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
    "x-slipway": resolveSlipwayPaths(data["x-slipway"], base),
  };
  return { spec: deepFreeze(spec), problems, fromEnvironment };
}

/** Project `x-slipway` with its relative paths (TLS files, local backup stores) made absolute. */
function resolveSlipwayPaths(slipway: ProjectSlipway, base: string): ProjectSlipway {
  const { tls, backups } = slipway;
  const stores = Object.entries(backups.stores).map(([key, store]) => [
    key,
    store.type === "local" ? { ...store, path: resolveHostPath(store.path, base) } : store,
  ]);
  return {
    ...slipway,
    tls: {
      ...tls,
      ...(tls.cert_file === undefined ? {} : { cert_file: resolveHostPath(tls.cert_file, base) }),
      ...(tls.key_file === undefined ? {} : { key_file: resolveHostPath(tls.key_file, base) }),
    },
    backups: { ...backups, stores: Object.fromEntries(stores) },
  };
}
