import { readFileSync, statSync } from "node:fs";
import { parseEnvFile } from "../manifest/env-file.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { ReleaseError, type ReleaseErrorCode } from "./errors.js";

const fail = (code: ReleaseErrorCode, message: string, hint: string): never => {
  throw new ReleaseError(code, message, hint);
};

/** Reads one input file (an `env_file`, a config); only regular files (a FIFO or a device would block the agent). */
function readEnvFile(owner: string, path: string, required: boolean): string | undefined {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    if (!required) return undefined;
    return fail(
      "E_ENV_FILE_MISSING",
      `${owner}: ${path} does not exist`,
      "create it (an env_file can also be marked `required: false`)",
    );
  }
  if (!stat.isFile())
    fail("E_ENV_FILE_NOT_REGULAR", `${owner}: ${path} is not a regular file`, "point it at a plain file");
  return readFileSync(path, "utf8");
}

/**
 * The service's environment as a value: `env_file` contents (later files win), then `environment`
 * on top, as Compose does. Read once, when the release is made: editing a `.env` file changes
 * nothing until the next deploy, and a rollback brings the old values back.
 */
function frozenEnvironment(service: ServiceSpec): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  for (const file of service.env_file) {
    const text = readEnvFile(`service ${service.name}: env_file`, file.path, file.required !== false);
    if (text === undefined) continue;
    for (const [key, value] of parseEnvFile(text, () => undefined).vars) env[key] = value;
  }
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;
  return env;
}

/** Top-level `configs` read from files become inline `content`: the release carries the text it was made with. */
function frozenConfigs(configs: AppSpec["configs"]): AppSpec["configs"] {
  return Object.fromEntries(
    Object.entries(configs).map(([name, config]) => {
      if (!config?.file || config.external) return [name, config];
      const { file, ...rest } = config;
      return [name, { ...rest, content: readEnvFile(`config ${name}`, file, true) }];
    }),
  );
}

/**
 * The app with every input that lives outside the spec read into it: `env_file` contents into
 * `environment`, config files into `content`. Secrets stay references (their files are read only
 * where they are delivered, never stored in the release).
 */
export function freezeApp(app: AppSpec): AppSpec {
  const services = Object.fromEntries(
    Object.entries(app.services).map(([name, service]) => [
      name,
      { ...service, environment: frozenEnvironment(service), env_file: [] },
    ]),
  );
  return { ...app, services, configs: frozenConfigs(app.configs) };
}
