import { readFileSync, statSync } from "node:fs";
import { parseEnvFile } from "../manifest/env-file.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { ReleaseError, type ReleaseErrorCode } from "./errors.js";

const fail = (code: ReleaseErrorCode, message: string, hint: string): never => {
  throw new ReleaseError(code, message, hint);
};

/** Reads one `env_file` entry; only regular files (a FIFO or a device would block the agent). */
function readEnvFile(service: string, path: string, required: boolean): string | undefined {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    if (!required) return undefined;
    return fail(
      "E_ENV_FILE_MISSING",
      `service ${service}: env_file ${path} does not exist`,
      "create it, or mark it `required: false`",
    );
  }
  if (!stat.isFile())
    fail(
      "E_ENV_FILE_NOT_REGULAR",
      `service ${service}: env_file ${path} is not a regular file`,
      "point env_file at a plain file",
    );
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
    const text = readEnvFile(service.name, file.path, file.required !== false);
    if (text === undefined) continue;
    for (const [key, value] of parseEnvFile(text, () => undefined).vars) env[key] = value;
  }
  for (const [key, value] of Object.entries(service.environment)) if (value !== null) env[key] = value;
  return env;
}

/** The app with every input that lives outside the spec read into it (today: `env_file`). */
export function freezeApp(app: AppSpec): AppSpec {
  const services = Object.fromEntries(
    Object.entries(app.services).map(([name, service]) => [
      name,
      { ...service, environment: frozenEnvironment(service), env_file: [] },
    ]),
  );
  return { ...app, services };
}
