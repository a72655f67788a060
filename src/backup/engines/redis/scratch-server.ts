import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import type { UnixIdentity } from "../../../host/users.js";
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
  const deadline = Date.now() + 600_000; // a large RDB takes minutes to load
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new BackupError(
        "E_BACKUP_RESTORE",
        `a scratch redis-server could not load the backup: ${log.trim().split("\n").slice(-3).join(" ")}`,
      );
    }
    if ((await ping(port)) === "+PONG") return { port, cli, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new BackupError(
        "E_BACKUP_RESTORE",
        "a scratch redis-server did not finish loading the backup within 10 minutes",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One inline PING over TCP (cheaper than a redis-cli process per poll): `+PONG`, `-LOADING …`, or "" if closed. */
function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    const done = () => {
      socket.destroy();
      resolve(reply.split("\r\n")[0] ?? "");
    };
    socket.setTimeout(2000, done);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done();
    });
    socket.once("error", done);
  });
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
