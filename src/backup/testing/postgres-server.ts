import { execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "../../host/binaries.js";
import { resolveUser } from "../../host/users.js";
import type { Connection } from "../engine.js";
import { freeLoopbackPort } from "../engines/free-port.js";
import { pgConnection } from "../engines/postgres/connection.js";
import { psqlRun } from "../engines/postgres/psql.js";
import { killOnExit, stopChild, waitFor } from "./processes.js";

/** A real PostgreSQL server for tests: its own cluster in a temporary directory, on a free loopback port. */
export interface PostgresServer {
  /** Connects as the superuser `postgres` with a password, tools running as the unix user `postgres`. */
  readonly connection: Connection;
  readonly pid: number;
  /** Runs SQL as the superuser in `database` and returns the (unaligned, tuples-only) output. */
  sql(database: string, script: string): Promise<string>;
  /** Stops the server by its pid and removes its directory. */
  stop(): Promise<void>;
}

const HINT = "install the PostgreSQL server (apt-get install postgresql)";

export async function startPostgresServer(options: { fast?: boolean } = {}): Promise<PostgresServer> {
  const user = resolveUser("postgres");
  if (!user) throw new Error("these tests need the unix user postgres");
  const root = mkdtempSync(join(tmpdir(), "slipway-pg-test-"));
  chownSync(root, user.uid, user.gid);
  const password = "test-password";
  writeFileSync(join(root, "pw"), password);
  chownSync(join(root, "pw"), user.uid, user.gid);
  const data = join(root, "data");
  execFileSync(
    findBinary("initdb", HINT),
    [
      "-D",
      data,
      "-U",
      "postgres",
      `--pwfile=${join(root, "pw")}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ],
    { uid: user.uid, gid: user.gid, stdio: "pipe", cwd: "/" },
  );
  const port = await freeLoopbackPort();
  const tuning =
    options.fast === false
      ? []
      : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
  const child = spawn(
    findBinary("postgres", HINT),
    [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${root}`,
      ...tuning,
    ],
    { uid: user.uid, gid: user.gid, stdio: "ignore", cwd: "/" },
  );
  killOnExit(child);
  const connection: Connection = {
    host: "127.0.0.1",
    port,
    user: "postgres",
    password,
    database: "postgres",
    runAs: "postgres",
  };
  const pg = pgConnection(connection);
  const sql = (database: string, script: string) => psqlRun(pg, database, script);
  const stop = async () => {
    await stopChild(child, "SIGINT");
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitFor("postgres", async () => (await sql("postgres", "SELECT 1;")).trim() === "1");
  } catch (error) {
    await stop();
    throw error;
  }
  return { connection, pid: child.pid ?? 0, sql, stop };
}
