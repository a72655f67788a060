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
 * config (`auths`, base64 `user:password` or separate fields). Undefined when there is none, for an
 * image of the default registry, or when the config keeps it in a credential helper (not read).
 */
export function registryAuth(image: string, configFile = dockerConfigFile()): RegistryAuth | undefined {
  const registry = registryOf(image);
  if (!registry || !existsSync(configFile)) return undefined;
  const config = JSON.parse(readFileSync(configFile, "utf8")) as DockerConfig;
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
