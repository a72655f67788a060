import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { formatRef, looksSecret, mapRefs, type SecretRef, VALUE_LABEL, VERSION_LABEL } from "./refs.js";
import type { SecretStore } from "./store.js";

type TopLevelSecret = NonNullable<AppSpec["secrets"]>[string];

export interface SealOptions {
  /** `plan`: compute the versions a deploy would pin, store nothing. */
  readonly dryRun?: boolean;
  /** `secret rotate`: re-pin these names to their latest version even where a release pinned an older one. */
  readonly repin?: readonly string[];
}

/** The store name of a secret-looking `environment` value: `env.<service>.<VARIABLE>`. */
export const envSecretName = (service: string, variable: string) => `env.${service}.${variable}`;

/** The store name a top-level Compose secret reads from: its `name:` when external, else its key. */
export const storeNameOf = (key: string, secret: TopLevelSecret) =>
  secret.external && secret.name ? secret.name : key;

/**
 * The spec as a release may store it: every secret value moved into the store and replaced by a
 * reference pinned to a version. Secret-looking `environment` values, `${secret:NAME}` references
 * and top-level `secrets:` (read from their `file:`/`environment:` by the CLI) are all pinned; an
 * unchanged value keeps its version, so an unchanged app is still the same release.
 */
export async function sealSpec(
  store: SecretStore,
  app: AppSpec,
  options: SealOptions = {},
): Promise<AppSpec> {
  const project = app.name;
  const keep = async (name: string, value: string): Promise<number> => {
    if (!options.dryRun) return store.setIfChanged(project, name, value);
    const latest = store.latest(project, name);
    if (latest !== undefined && (await store.get(project, name, latest)) === value) return latest;
    return (latest ?? 0) + 1;
  };
  const pin = async (ref: SecretRef): Promise<string> => {
    if (ref.version !== undefined && !options.repin?.includes(ref.name)) return formatRef(ref);
    const latest = store.latest(project, ref.name);
    // A missing secret is reported with its name and the command that sets it.
    if (latest === undefined) await store.get(project, ref.name);
    return formatRef({ name: ref.name, version: latest });
  };

  const secrets: Record<string, TopLevelSecret> = {};
  const pinnedSources = new Map<string, string>();
  for (const [key, secret] of Object.entries(app.secrets ?? {})) {
    const labels = (secret.labels ?? {}) as Record<string, string | null>;
    const { [VALUE_LABEL]: value, [VERSION_LABEL]: pinned, ...rest } = labels;
    const name = storeNameOf(key, secret);
    let version: number;
    if (typeof value === "string") version = await keep(name, value);
    else if (pinned && !options.repin?.includes(name)) version = Number(pinned);
    else version = Number((await pin({ name })).match(/@(\d+)\}$/)![1]);
    const { file: _file, environment: _environment, ...kept } = secret;
    pinnedSources.set(key, `${name}@${version}`);
    secrets[key] = { ...kept, external: true, name, labels: { ...rest, [VERSION_LABEL]: String(version) } };
  }
  const services: Record<string, ServiceSpec> = {};
  for (const [serviceName, service] of Object.entries(app.services)) {
    const environment: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(service.environment)) {
      if (value === null) environment[key] = null;
      else if (looksSecret(key, value)) {
        const name = envSecretName(serviceName, key);
        environment[key] = formatRef({ name, version: await keep(name, value) });
      } else environment[key] = await mapRefs(value, pin);
    }
    // A grant names the pinned version, so a new version changes the service and rolls it out.
    const grants = service.secrets.map((grant) => ({
      ...grant,
      source: pinnedSources.get(grant.source) ?? grant.source,
    }));
    services[serviceName] = { ...service, environment, secrets: grants };
  }

  return { ...app, services, secrets };
}
