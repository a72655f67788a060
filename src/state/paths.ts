import { homedir } from "node:os";
import { join } from "node:path";
import { StateError } from "./state-error.js";

/**
 * A name that becomes one path segment under the home (project, service, volume, instance id).
 * The manifest refuses such names already; this guard also covers releases stored before it did.
 */
function segment(kind: string, name: string): string {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0"))
    throw new StateError({
      code: "E_PATH_ESCAPE",
      message: `${kind} name ${JSON.stringify(name)} would leave its directory`,
      hint: "names start with a letter or digit and use letters, digits, '.', '_' and '-' only",
    });
  return name;
}

/** Where slipway keeps everything on this machine; `SLIPWAY_HOME` chooses it (tests use temporary ones). */
export interface SlipwayPaths {
  readonly home: string;
  readonly socket: string;
  readonly pidFile: string;
  readonly agentLog: string;
  readonly stateDb: string;
  /** The agent's copy of the state, taken at every start (restore it when state.db is lost). */
  readonly stateBackup: string;
  readonly proxyConfig: string;
  readonly proxyPidFile: string;
  readonly proxyLog: string;
  readonly routerConfig: string;
  readonly routerSocket: string;
  readonly routerPidFile: string;
  readonly routerLog: string;
  /** Certificates (self-signed, ACME) and the ACME account key. */
  readonly tlsDir: string;
  artifacts(project: string): string;
  volume(project: string, volume: string): string;
  /** Per-service scratch directory (sockets, anonymous data). */
  run(project: string, service: string): string;
  logs(project: string, instanceId: string): string;
  hostsFile(project: string): string;
}

/** Default: `$SLIPWAY_HOME`, else `/var/lib/slipway` for root, else `~/.local/state/slipway`. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_HOME) return env.SLIPWAY_HOME;
  return process.getuid?.() === 0 ? "/var/lib/slipway" : join(homedir(), ".local/state/slipway");
}

export function slipwayPaths(home: string = defaultHome()): SlipwayPaths {
  return {
    home,
    socket: join(home, "agent.sock"),
    pidFile: join(home, "agent.pid"),
    agentLog: join(home, "agent.log"),
    stateDb: join(home, "state.db"),
    stateBackup: join(home, "state.db.backup"),
    proxyConfig: join(home, "proxy.json"),
    proxyPidFile: join(home, "proxy.pid"),
    proxyLog: join(home, "proxy.log"),
    routerConfig: join(home, "router.json"),
    routerSocket: join(home, "router.sock"),
    routerPidFile: join(home, "router.pid"),
    routerLog: join(home, "router.log"),
    tlsDir: join(home, "tls"),
    artifacts: (project) => join(home, "artifacts", segment("project", project)),
    volume: (project, volume) =>
      join(home, "volumes", segment("project", project), segment("volume", volume)),
    run: (project, service) => join(home, "run", segment("project", project), segment("service", service)),
    logs: (project, instanceId) =>
      join(home, "logs", segment("project", project), segment("instance", instanceId)),
    hostsFile: (project) => join(home, "run", segment("project", project), "hosts"),
  };
}
