import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { freePort } from "../../src/network/ports.js";
import { ENGINE_DIR_VAR, sharedDockerEngine, type TestEngine } from "./engine.js";

/**
 * One single-node swarm per test run, on the run's own Docker engine (engine.ts): the first swarm
 * test initialises it (`docker swarm init --advertise-addr 127.0.0.1` through the Engine API, its
 * control port chosen free on loopback) and every swarm test file shares it; global-setup.ts makes
 * the node leave the swarm before it stops the engine.
 */
export const swarmPaths = (dir: string) => ({
  lock: join(dir, "swarm-starting"),
  ready: join(dir, "swarm-ready"),
  failed: join(dir, "swarm-failed"),
});

async function initSwarm(host: string): Promise<TestEngine> {
  const docker = new Dockerode({ socketPath: host.replace(/^unix:\/\//, "") });
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState === "active") return { available: true, host };
  const port = await freePort();
  try {
    await docker.swarmInit({ ListenAddr: `127.0.0.1:${port}`, AdvertiseAddr: `127.0.0.1:${port}` });
  } catch (error) {
    return { available: false, reason: `docker swarm init failed: ${(error as Error).message}` };
  }
  return { available: true, host };
}

let shared: Promise<TestEngine> | undefined;

/** The run's swarm (its engine's DOCKER_HOST), initialised on first use by one test file at a time. */
export function sharedSwarm(): Promise<TestEngine> {
  shared ??= (async (): Promise<TestEngine> => {
    const engine = await sharedDockerEngine();
    if (!engine.available) return engine;
    const files = swarmPaths(process.env[ENGINE_DIR_VAR]!);
    try {
      mkdirSync(files.lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      while (!existsSync(files.ready) && !existsSync(files.failed)) await sleep(100);
      return existsSync(files.ready)
        ? engine
        : { available: false, reason: readFileSync(files.failed, "utf8") };
    }
    const swarm = await initSwarm(engine.host);
    writeFileSync(swarm.available ? files.ready : files.failed, swarm.available ? swarm.host : swarm.reason);
    return swarm;
  })();
  return shared;
}
