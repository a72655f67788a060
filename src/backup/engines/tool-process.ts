import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { UnixIdentity } from "../../host/users.js";
import { BackupError } from "../errors.js";

/** How a tool is started. */
export interface ToolOptions {
  /** Added to slipway's environment (passwords go here, never in argv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: slipway's own user. */
  readonly runAs?: UnixIdentity | undefined;
  /** Default `/` (the tool's user may not be able to enter slipway's directory). */
  readonly cwd?: string;
  /**
   * The tool reads this pipe (another process's output, a `DecodedPipe`) as its stdin instead of one
   * slipway writes to; slipway's own end of it is closed once the tool has it. Default a new pipe.
   */
  readonly stdin?: Readable;
}

const STDERR_KEEP = 16 * 1024;

/** A running tool with the tail of its stderr and a promise of its exit. */
export interface Tool {
  readonly child: ChildProcess;
  readonly name: string;
  /** Resolves when the tool has exited successfully; rejects with `E_BACKUP_TOOL` otherwise. */
  readonly exited: Promise<void>;
}

/** Starts `program` with piped stdio. */
export function startTool(program: string, args: readonly string[], options: ToolOptions = {}): Tool {
  const name = program.split("/").pop() ?? program;
  const child = spawn(program, args, {
    cwd: options.cwd ?? "/",
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ?? "pipe", "pipe", "pipe"],
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
  });
  // The tool holds the pipe now; an end left open here would keep its writer from ever seeing it close.
  options.stdin?.destroy();
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  // A tool that exits early closes its stdin; the writer sees that as the exit error below, not EPIPE.
  child.stdin?.on("error", () => {});
  const exited = new Promise<void>((resolve, reject) => {
    child.once("error", (error) => {
      reject(
        new BackupError("E_BACKUP_TOOL", `${name} could not start: ${error.message}`, undefined, {
          cause: error,
        }),
      );
    });
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const detail = stderr.trim().split("\n").slice(-6).join("\n");
      reject(new BackupError("E_BACKUP_TOOL", `${name} ${how}${detail ? `: ${detail}` : ""}`));
    });
  });
  return { child, name, exited: awaitedLater(exited) };
}

/** Runs a tool to completion and returns its stdout; rejects with `E_BACKUP_TOOL` on failure. */
export async function runTool(
  program: string,
  args: readonly string[],
  options: ToolOptions & { readonly input?: string } = {},
): Promise<string> {
  const tool = startTool(program, args, options);
  let stdout = "";
  tool.child.stdout?.setEncoding("utf8");
  tool.child.stdout?.on("data", (text: string) => {
    stdout += text;
  });
  tool.child.stdin?.end(options.input ?? "");
  await tool.exited;
  return stdout;
}

/**
 * The tool's stdout as chunks, failing (instead of ending) when the tool exits non-zero, so a dump
 * cut short is never mistaken for a whole one. Stopping early stops the tool.
 */
export async function* toolChunks(tool: Tool): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of tool.child.stdout as Readable) yield chunk as Buffer;
    await tool.exited;
  } finally {
    if (tool.child.exitCode === null && tool.child.signalCode === null) tool.child.kill("SIGTERM");
  }
}

/** Marks a promise as observed now, for one that is awaited later (no unhandled-rejection warning). */
export function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Streams `input` into the tool's stdin and waits for it to exit. When the input fails, the tool
 * is killed before its stdin closes, so it never takes a cut-short input for a complete one; input
 * the tool did not read is still drained, so a damaged end (a gzip checksum) is not missed.
 */
export async function feedTool(tool: Tool, input: Readable): Promise<void> {
  const stdin = tool.child.stdin;
  if (!stdin) throw new Error(`${tool.name} has no stdin`);
  let inputError: unknown;
  const inputDone = new Promise<void>((resolve) => {
    input.once("error", (error) => {
      inputError = error;
      tool.child.kill("SIGKILL");
      input.unpipe(stdin);
      resolve();
    });
    input.once("end", () => resolve());
  });
  input.pipe(stdin);
  try {
    await tool.exited;
  } catch (error) {
    input.destroy();
    throw inputError ?? error; // a failed input explains the tool's failure better than the tool does
  }
  if (inputError === undefined && !input.readableEnded) {
    input.unpipe(stdin);
    input.resume();
  }
  await inputDone;
  if (inputError !== undefined) throw inputError;
}

const versions = new Map<string, Promise<string>>();

/** The version a program prints for `--version` (`pg_dump (PostgreSQL) 15.8` → `15.8`), asked once per program. */
export function programVersion(program: string): Promise<string> {
  let version = versions.get(program);
  if (version === undefined) {
    version = runTool(program, ["--version"]).then((out) => /(\d+(?:\.\d+)+)/.exec(out)?.[1] ?? "unknown");
    versions.set(program, version);
    version.catch(() => versions.delete(program));
  }
  return version;
}
