import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** What the Engine API takes as `X-Registry-Auth` for a pull. */
export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

interface DockerConfig {
  readonly auths?: Record<
    string,
    { readonly auth?: string; readonly username?: string; readonly password?: string }
  >;
  /** Per registry, the credential helper (`docker-credential-<name>`) that keeps its login. */
  readonly credHelpers?: Record<string, string>;
  /** The credential helper for every registry without its own. */
  readonly credsStore?: string;
}

/** Helpers answer within this time, or the pull goes on without a login. */
const HELPER_TIMEOUT_MS = 10_000;

/**
 * Asks a Docker credential helper for a registry's login (`docker-credential-<name> get`, the
 * registry on stdin, `{ServerURL, Username, Secret}` on stdout), as the docker CLI does. Undefined
 * when the helper is missing, fails or knows no login for the registry.
 */
function fromHelper(
  helper: string,
  registry: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryAuth | undefined> {
  return new Promise((resolve) => {
    const child = execFile(
      `docker-credential-${helper}`,
      ["get"],
      { env, timeout: HELPER_TIMEOUT_MS, maxBuffer: 64 * 1024 },
      (error, stdout) => {
        if (error) return resolve(undefined);
        try {
          const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
          resolve(
            answer.Username && answer.Secret
              ? { username: answer.Username, password: answer.Secret, serveraddress: registry }
              : undefined,
          );
        } catch {
          resolve(undefined);
        }
      },
    );
    child.stdin?.on("error", () => {});
    child.stdin?.end(registry);
  });
}

/** The registry an image reference names (`host[:port]/path:tag`), or undefined for the engine's default registry. */
export function registryOf(image: string): string | undefined {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : undefined;
}

/** The user's Docker config file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export const dockerConfigFile = (): string =>
  join(process.env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json");

/**
 * The login `docker login` stored for the registry an image names, read from the user's Docker
 * config: the registry's credential helper (`credHelpers`, else `credsStore`), else `auths`
 * (base64 `user:password` or separate fields). Undefined when there is none, or for an image of the
 * engine's default registry (not looked up).
 */
export async function registryAuth(
  image: string,
  configFile = dockerConfigFile(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryAuth | undefined> {
  const registry = registryOf(image);
  if (!registry || !existsSync(configFile)) return undefined;
  const config = JSON.parse(readFileSync(configFile, "utf8")) as DockerConfig;
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (helper) {
    const login = await fromHelper(helper, registry, env);
    if (login) return login;
  }
  const entry = Object.entries(config.auths ?? {}).find(
    ([key]) => key.replace(/^https?:\/\//, "").replace(/\/.*$/, "") === registry,
  )?.[1];
  if (!entry) return undefined;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0)
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        serveraddress: registry,
      };
  }
  return entry.username && entry.password
    ? { username: entry.username, password: entry.password, serveraddress: registry }
    : undefined;
}
