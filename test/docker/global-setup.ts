import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { isAlive } from "../e2e/procs.js";
import { ENGINE_DIR_VAR, enginePaths } from "./engine.js";
import { swarmPaths } from "./swarm.js";

/** Mounts the engine leaves behind under `dir` (its network namespace file), deepest first. */
const mountsUnder = (dir: string) =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);

/**
 * vitest global setup: makes the run's Docker engine directory (the engine starts only when a
 * Docker test asks for it) and, at the end of the run, stops that engine by its PID and removes
 * the directory with everything the engine held (containers, images, volumes).
 */
export default function setup(): () => Promise<void> {
  // Short path: the engine's unix socket lives inside, and socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), "slipway-docker-"));
  process.env[ENGINE_DIR_VAR] = dir;
  return async () => {
    const { pid: pidFile, socket } = enginePaths(dir);
    // The swarm the swarm tests made (swarm.ts): its services go, and the node leaves it.
    if (existsSync(swarmPaths(dir).ready))
      await new Dockerode({ socketPath: socket }).swarmLeave({ force: true }).catch(() => {});
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8"));
      if (pid > 0 && isAlive(pid)) {
        process.kill(pid, "SIGTERM");
        const deadline = Date.now() + 20_000;
        while (isAlive(pid) && Date.now() < deadline) await sleep(100);
        if (isAlive(pid)) process.kill(pid, "SIGKILL");
      }
    }
    for (const point of mountsUnder(dir)) spawnSync("umount", [point]);
    rmSync(dir, { recursive: true, force: true });
  };
}
