import { readRegularFile } from "../host/read-regular-file.js";
import { parseEnvFile } from "../manifest/env-file.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { VALUE_LABEL } from "../secrets/refs.js";
import { MAX_SECRET_BYTES } from "../secrets/store.js";
import { ReleaseError, type ReleaseErrorCode } from "./errors.js";

const fail = (code: ReleaseErrorCode, message: string, hint: string): never => {
  throw new ReleaseError(code, message, hint);
};

/** Reads one `env_file` entry; only regular files (a FIFO or a device would block the agent). */
function readEnvFile(service: string, path: string, required: boolean): string | undefined {
  return readUserFile(`service ${service}: env_file`, path, required);
}

/** A user's file, read without ever blocking (see readRegularFile); refusals are ReleaseErrors with codes. */
function readUserFile(what: string, path: string, required: boolean): string | undefined {
  try {
    return readRegularFile(path, MAX_SECRET_BYTES * 16);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EFBIG")
      fail("E_ENV_FILE_TOO_LARGE", `${what} ${path} is larger than 1 MiB`, "keep only variables in it");
    if (code === "ENOTREG" || code === "EISDIR")
      fail("E_ENV_FILE_NOT_REGULAR", `${what} ${path} is not a regular file`, "point it at a plain file");
    if (code === "ENOENT" && !required) return undefined;
    return fail(
      "E_ENV_FILE_MISSING",
      `${what} ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code})`}`,
      "create it, or mark it `required: false`",
    );
  }
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
    // a `format: raw` file's values, as written, are in `environment` already (dotenv rules would misread it)
    if (text === undefined || (file.format ?? "") !== "") continue;
    for (const [key, value] of parseEnvFile(text, () => undefined).vars) env[key] = value;
  }
  // null: `environment` unsets a variable an env_file sets (a bare KEY the shell does not set)
  for (const [key, value] of Object.entries(service.environment))
    if (value === null) delete env[key];
    else env[key] = value;
  return env;
}

/**
 * Top-level `configs` read from files or the CLI's environment become inline `content`: the release
 * carries the text it was made with.
 */
function frozenConfigs(configs: AppSpec["configs"], env: NodeJS.ProcessEnv): AppSpec["configs"] {
  return Object.fromEntries(
    Object.entries(configs).map(([name, config]) => {
      if (!config || config.external) return [name, config];
      const { file, environment, ...rest } = config;
      if (file !== undefined)
        return [name, { ...rest, content: readUserFile(`config ${name}: file`, file, true) }];
      if (environment === undefined) return [name, config];
      const content = env[environment];
      if (content === undefined)
        fail(
          "E_CONFIG_SOURCE_MISSING",
          `config ${name}: variable ${environment} is not set`,
          `export ${environment}, or give the config \`file:\` or \`content:\``,
        );
      return [name, { ...rest, content }];
    }),
  );
}

type TopLevelSecret = NonNullable<AppSpec["secrets"]>[string];

/**
 * A top-level secret's value read from its `file:` or `environment:` (the CLI's environment, as
 * Compose reads it), carried to the agent in a label; the agent seals it into the secret store.
 */
function frozenSecret(key: string, secret: TopLevelSecret, env: NodeJS.ProcessEnv): TopLevelSecret {
  let value: string | undefined;
  if (secret.file !== undefined) value = readUserFile(`secret ${key}: file`, secret.file, true);
  else if (secret.environment !== undefined) {
    value = env[secret.environment];
    if (value === undefined)
      fail(
        "E_SECRET_SOURCE_MISSING",
        `secret ${key}: variable ${secret.environment} is not set`,
        `export ${secret.environment}, or store it with \`slipway secret set ${key}\` and mark the secret \`external: true\``,
      );
  }
  if (value === undefined) return secret;
  const { file: _file, environment: _environment, ...rest } = secret;
  return { ...rest, labels: { ...(secret.labels ?? {}), [VALUE_LABEL]: value } };
}

/**
 * The app with every input that lives outside the spec read into it: `env_file` contents into
 * `environment`, config files into `content`, secrets' files and variables (sealed by the agent).
 */
export function freezeApp(app: AppSpec, env: NodeJS.ProcessEnv = process.env): AppSpec {
  const services = Object.fromEntries(
    Object.entries(app.services).map(([name, service]) => [
      name,
      { ...service, environment: frozenEnvironment(service), env_file: [] },
    ]),
  );
  const secrets = Object.fromEntries(
    Object.entries(app.secrets ?? {}).map(([key, secret]) => [key, frozenSecret(key, secret, env)]),
  );
  return { ...app, services, secrets, configs: frozenConfigs(app.configs, env) };
}
