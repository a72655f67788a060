import type { Command } from "commander";
import { InputError } from "../../errors.js";
import type { AppSpec } from "../../manifest/model.js";
import { addManifestOptions, loadProject, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

/** Plain data with keys sorted at every level (durations become their Compose text). */
function sortedPlain(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value)) as unknown;
  const sort = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sort);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.keys(node)
        .sort()
        .map((key) => [key, sort((node as Record<string, unknown>)[key])]),
    );
  };
  return sort(plain);
}

/** The model in `docker compose config`'s shape: name, services, networks, volumes, secrets, configs, x-slipway. */
export function configDocument(spec: AppSpec): unknown {
  const services = Object.fromEntries(
    Object.entries(spec.services).map(([name, { name: _name, ...service }]) => [name, service]),
  );
  return sortedPlain({
    name: spec.name,
    services,
    networks: spec.networks,
    volumes: spec.volumes,
    secrets: spec.secrets,
    configs: spec.configs,
    ...(spec.models ? { models: spec.models } : {}),
    "x-slipway": spec["x-slipway"],
  });
}

export function registerConfig(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("config")
      .description("print the normalized application model (like `docker compose config`)")
      .option("--format <format>", "yaml or json", "yaml"),
  ).action(async (flags: ManifestFlags & { format: string }) => {
    if (flags.format !== "yaml" && flags.format !== "json") {
      throw new InputError({
        code: "E_CLI_USAGE",
        message: `--format must be yaml or json, not "${flags.format}"`,
        hint: "use --format yaml or --format json",
      });
    }
    const { spec } = await loadProject(flags, output);
    const document = configDocument(spec);
    const { stringify } = await import("yaml");
    output.stdout(
      flags.format === "json" || flags.json
        ? `${JSON.stringify(document, null, 2)}\n`
        : stringify(document, { lineWidth: 0 }),
    );
  });
}
