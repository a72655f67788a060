import { spawn } from "node:child_process";
import { chownSync } from "node:fs";
import { findBinary } from "../../host/binaries.js";
import { resolveUser } from "../../host/users.js";
import type { Connection } from "../engine.js";
import { freeLoopbackPort } from "../engines/free-port.js";
import { killOnExit, stopChild, waitFor } from "./processes.js";
import { RespClient } from "./resp-client.js";

/** A real redis-server for tests, run as the unix user `redis` on a free loopback port, data in `dir`. */
export interface RedisServer {
  readonly connection: Connection;
  readonly pid: number;
  client(): Promise<RespClient>;
  /** Stops the server by its pid (no save on the way out: persistence is off). */
  stop(): Promise<void>;
}

const PASSWORD = "redis-test-password";

export async function startRedisServer(dir: string): Promise<RedisServer> {
  const user = resolveUser("redis");
  if (!user) throw new Error("these tests need the unix user redis");
  chownSync(dir, user.uid, user.gid);
  const port = await freeLoopbackPort();
  const child = spawn(
    findBinary("redis-server", "apt-get install redis-server"),
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--requirepass",
      PASSWORD,
    ],
    { uid: user.uid, gid: user.gid, stdio: "ignore", cwd: dir },
  );
  killOnExit(child);
  const client = () => RespClient.connect(port, PASSWORD);
  const stop = () => stopChild(child);
  try {
    await waitFor("redis", async () => {
      const probe = await client();
      try {
        return (await probe.command("PING")) === "PONG";
      } finally {
        probe.close();
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    connection: { host: "127.0.0.1", port, password: PASSWORD, dataDir: dir, runAs: "redis" },
    pid: child.pid ?? 0,
    client,
    stop,
  };
}
