import type { ServiceSpec } from "../manifest/model.js";

/** Variables of the agent's environment a build may see: where tools are, and how to reach a registry. */
const PASSED_THROUGH = [
  "PATH",
  "HOME",
  "LANG",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "npm_config_registry",
  "NPM_CONFIG_REGISTRY",
] as const;

/**
 * The whole environment of a build command: a few variables from the agent (never its secrets —
 * cloud keys, tokens — whatever it was started with) and the service's `build.args`, which win.
 */
export function buildEnvironment(
  service: Pick<ServiceSpec, "build">,
  agentEnv: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin" };
  for (const name of PASSED_THROUGH) {
    const value = agentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  // An arg without a value takes the variable from the agent's environment, as `docker build` does: named on purpose.
  const args: Readonly<Record<string, string | null>> = service.build?.args ?? {};
  for (const [name, value] of Object.entries(args)) {
    const resolved = value ?? agentEnv[name];
    if (resolved !== undefined) env[name] = resolved;
  }
  return env;
}
