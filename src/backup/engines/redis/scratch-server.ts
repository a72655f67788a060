import { type ChildProcess, spawn } from "node:child_process";
import type { UnixIdentity } from "../../../targets/process/resolve-user.js";
import { BackupError } from "../../errors.js";
import { freeLoopbackPort } from "../free-port.js";
import { runTool } from "../tool-process.js";
import { redisCliArgs, redisTool } from "./connection.js";

/** A throwaway redis-server loading one RDB file, on a free loopback port, with persistence off. */
export interface ScratchRedis {
  readonly port: number;
  /** Runs one command with redis-cli and returns its raw output. */
  cli(...args: string[]): Promise<string>;
  /** Stops the server by its pid. */
  stop(): Promise<void>;
}

/** Starts redis-server on `dir/dbfilename` and waits until the data is loaded. */
export async function startScratchRedis(
  dir: string,
  dbfilename: string,
  runAs: UnixIdentity | undefined,
): Promise<ScratchRedis> {
  const port = await freeLoopbackPort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", dbfilename];
  const child = spawn(
    redisTool("redis-server"),
    [...args, "--save", "", "--appendonly", "no", "--daemonize", "no"],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const cli = (...command: string[]) =>
    runTool(redisTool("redis-cli"), [
      ...redisCliArgs({ host: "127.0.0.1", port, user: undefined }),
      ...command,
    ]);
  const stop = () => stopByPid(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new BackupError(
        "E_BACKUP_RESTORE",
        `a scratch redis-server could not load the backup: ${log.trim().split("\n").slice(-3).join(" ")}`,
      );
    }
    if ((await cli("PING").catch(() => "")).trim() === "PONG") return { port, cli, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new BackupError(
        "E_BACKUP_RESTORE",
        "a scratch redis-server did not finish loading the backup within 60 s",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopByPid(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(
    () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"),
    5000,
  );
  await exited;
  clearTimeout(timer);
}
