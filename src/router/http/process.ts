import cluster from "node:cluster";
import { chmodSync, unlinkSync } from "node:fs";
import type { Server } from "node:http";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { collectDefaultMetrics } from "prom-client";
import { whenHomeGone } from "../../host/home-watch.js";
import { createAdminServer } from "./admin-api.js";
import { readConfigFile, writeConfigFile } from "./config-file.js";
import { RouterError } from "./errors.js";
import { RouterFleet } from "./fleet.js";
import { runRouterWorker } from "./fleet-worker.js";
import { Router } from "./router.js";

/**
 * The script the agent starts the router with: `node ROUTER_PROCESS_MAIN <config-file> <admin-socket>`
 * (from sources, with `--import tsx`, which maps the `.js` name to the `.ts` file).
 */
export const ROUTER_PROCESS_MAIN = fileURLToPath(new URL("./process-main.js", import.meta.url));

function log(line: string): void {
  if (!process.stderr.destroyed) process.stderr.write(`router: ${line}\n`);
}

/** True when a process answers on the socket (another router owns it). */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

async function listenOnSocket(server: Server, path: string): Promise<void> {
  if (await socketInUse(path))
    throw new RouterError({
      code: "E_ROUTER_ADMIN",
      message: `another router already answers on ${path}`,
      hint: "stop it first, or give this one another admin socket",
    });
  try {
    unlinkSync(path); // left by a router that was killed
  } catch {}
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
}

/** The worker count the saved configuration asks for (read at start: a change restarts the router). */
function savedWorkers(configFile: string): number {
  try {
    return readConfigFile(configFile)?.workers ?? 1;
  } catch {
    return 1;
  }
}

/**
 * The builtin router as a process of its own, so traffic keeps flowing when the agent that
 * configures it restarts or dies. It serves the configuration it last saved to `configFile` from
 * the start, takes new ones on the admin socket, and re-reads the file on SIGHUP. With `workers` > 1
 * in the saved configuration it is the primary of that many worker processes (fleet.ts).
 */
export async function runRouterProcess(configFile: string, adminSocket: string): Promise<void> {
  if (cluster.isWorker) return runRouterWorker();
  // The agent that started us may be gone, and our stdout/stderr pipes with it: never die of EPIPE.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  // A bug hit by one connection must not stop the traffic of all the others.
  process.on("uncaughtException", (error) => log(`uncaught: ${error.stack ?? error.message}`));
  const workers = savedWorkers(configFile);
  const fleet = workers > 1 ? new RouterFleet(workers) : undefined;
  const router = fleet ?? new Router({ accessLog: process.stdout });
  if (fleet) await fleet.start();
  else collectDefaultMetrics({ register: (router as Router).registry, prefix: "slipway_router_process_" });
  const load = async () => {
    try {
      const config = readConfigFile(configFile);
      if (config) await router.apply(config);
      if (config) log(`serving generation ${config.generation} from ${configFile}`);
    } catch (error) {
      log(`cannot serve ${configFile}: ${(error as Error).message}`);
    }
  };
  await load();
  const admin = createAdminServer(router, (config) => writeConfigFile(configFile, config), workers);
  await listenOnSocket(admin, adminSocket);
  log(`admin API on ${adminSocket}${fleet ? ` (${workers} workers)` : ""}`);
  process.on("SIGHUP", () => void load());
  const stop = () => {
    admin.close();
    void (fleet ? fleet.stop() : (router as Router).close()).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  whenHomeGone(dirname(adminSocket), () => {
    log(`${dirname(adminSocket)} is gone; exiting`);
    stop();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
