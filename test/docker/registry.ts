import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../src/network/ports.js";
import { isAlive } from "../e2e/procs.js";

/** Debian's Docker registry (distribution 2.8, package `docker-registry`; scripts/install-deps.sh installs it). */
const REGISTRY_BIN = "/usr/bin/docker-registry";

/** A registry this test started, on loopback (the engine treats 127.0.0.0/8 registries as insecure: plain HTTP). */
export interface TestRegistry {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  /** GET on the registry's API (`/v2/_catalog`), with the test login when it has one. */
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  /** Stops the registry by its PID and removes its storage. */
  stop(): Promise<void>;
}

export const registryMissing = (): string | undefined =>
  existsSync(REGISTRY_BIN)
    ? undefined
    : `${REGISTRY_BIN} is missing (scripts/install-deps.sh installs docker-registry)`;

/**
 * Starts `docker-registry serve CONFIG` on a free loopback port with its storage in a temporary
 * directory (PID in a file there). With `login`, the registry asks for basic auth (an htpasswd file
 * made by `htpasswd -B`, the password on its stdin, never in argv).
 */
export async function startRegistry(login?: { user: string; password: string }): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let auth = "";
  if (login) {
    const made = spawnSync("htpasswd", ["-niB", login.user], {
      input: `${login.password}\n`,
      encoding: "utf8",
    });
    if (made.status !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
    writeFileSync(join(dir, "htpasswd"), made.stdout);
    auth = `auth:\n  htpasswd:\n    realm: slipway-test\n    path: ${join(dir, "htpasswd")}\n`;
  }
  mkdirSync(join(dir, "data"));
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\nhttp:\n  addr: ${host}\n  secret: slipway-test-${port}\n${auth}`,
  );
  const log = openSync(join(dir, "registry.log"), "a");
  const child = spawn(REGISTRY_BIN, ["serve", config], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  const pidFile = join(dir, "registry.pid");
  writeFileSync(pidFile, String(child.pid));
  const authHeader = login
    ? { authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}` }
    : {};
  const get: TestRegistry["get"] = (path, headers = {}) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path,
          headers: { ...authHeader, ...headers },
          agent: false,
          timeout: 5000,
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
          );
        },
      );
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new Error("the registry did not answer")));
      req.end();
    });
  const stop = async () => {
    const pid = Number(readFileSync(pidFile, "utf8"));
    if (pid > 0 && isAlive(pid)) {
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    const answer = await get("/v2/").catch(() => undefined);
    if (answer && (answer.status === 200 || answer.status === 401)) break;
    if (attempt > 100 || !isAlive(child.pid!)) {
      const tail = readFileSync(join(dir, "registry.log"), "utf8").slice(-2000);
      await stop();
      throw new Error(`the test registry did not start:\n${tail}`);
    }
    await sleep(100);
  }
  return { host, get, stop };
}
