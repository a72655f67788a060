import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { DecodedPipe } from "../engine.js";
import { programVersion } from "../engines/tool-process.js";
import { BackupError } from "../errors.js";
import type { BackupManifest } from "../manifest.js";
import { ZSTD_DECODE_ARGS } from "./compression.js";

const STDERR_KEEP = 4 * 1024;

/**
 * The decoded bytes of a checked local copy (`path`) of an unencrypted backup from byte `from` on:
 * the file is the decoder's stdin (`zstd -dc`, `gzip -dc`, none), `tail -c +N` skips the first
 * `from` bytes, and the tail's stdout is the pipe the engine's tool reads. Node only starts the
 * processes and reads their exit codes; their stderr is kept for the message when they fail.
 * `undefined` for an encrypted backup (age decrypts in Node) or when the machine lacks one of the
 * programs: the caller then streams through Node.
 */
export async function decodedPipe(
  path: string,
  manifest: BackupManifest,
  from: number,
): Promise<DecodedPipe | undefined> {
  if (manifest.encryption) return undefined;
  const what = `backup ${manifest.id} of ${manifest.project}/${manifest.service}`;
  const decoder =
    manifest.compression === "zstd"
      ? { program: "zstd", args: ZSTD_DECODE_ARGS }
      : manifest.compression === "gzip"
        ? { program: "gzip", args: ["-d", "-c"] }
        : undefined;
  // Each program answers `--version` once per process (busybox's tail does not: Node decodes then).
  const programs = [...(decoder ? [decoder.program] : []), "tail"];
  const present = await Promise.all(
    programs.map((program) =>
      programVersion(program).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!present.every(Boolean)) return undefined;
  const file = await open(path, "r");
  const stages: Stage[] = [];
  let settle!: (ends: Promise<("whole" | "cut")[]>) => void;
  const done = new Promise<("whole" | "cut")[]>((resolve) => {
    settle = resolve;
  }).then((ends) => (ends.includes("cut") ? ("cut" as const) : ("whole" as const)));
  done.catch(() => {});
  let started = false;
  const closeFile = () => void file.close().catch(() => {});
  return {
    start() {
      if (started) throw new Error("a decoded pipe starts once");
      started = true;
      try {
        let input: number | Readable = file.fd;
        if (decoder) {
          stages.push(startStage(decoder.program, decoder.args, input, "E_BACKUP_CORRUPT", what));
          input = stages[0]!.stdout;
        }
        if (from > 0 || !decoder) {
          stages.push(startStage("tail", ["-c", `+${from + 1}`], input, "E_BACKUP_TOOL", what));
        }
      } catch (error) {
        for (const stage of stages) stage.stop();
        settle(Promise.reject(error));
        throw error;
      } finally {
        closeFile(); // each process has its own descriptor of it
      }
      settle(Promise.all(stages.map((stage) => stage.ended)));
      return stages.at(-1)!.stdout;
    },
    done,
    stop() {
      if (!started) {
        started = true;
        closeFile();
        settle(Promise.resolve(["cut"]));
      }
      for (const stage of stages) stage.stop();
    },
  };
}

interface Stage {
  readonly stdout: Readable;
  readonly ended: Promise<"whole" | "cut">;
  stop(): void;
}

/**
 * One process of the chain reading `input`. It ends `whole` on exit 0, `cut` when its reader went
 * away (SIGPIPE, or a write error on a closed pipe or socket), and fails with `failure` otherwise.
 */
function startStage(
  program: string,
  args: readonly string[],
  input: number | Readable,
  failure: "E_BACKUP_CORRUPT" | "E_BACKUP_TOOL",
  what: string,
): Stage {
  const child = spawn(program, args, { cwd: "/", stdio: [input, "pipe", "pipe"] });
  // The next process holds the pipe now: slipway's end is closed before its event loop could read
  // from it, and an end left open would hide the reader's going away from the writer.
  if (typeof input !== "number") input.destroy();
  let stderr = "";
  const errors = child.stderr as Readable;
  errors.setEncoding("utf8");
  errors.on("data", (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  const ended = new Promise<"whole" | "cut">((resolve, reject) => {
    child.once("error", (error) =>
      reject(
        new BackupError("E_BACKUP_TOOL", `${program} could not start: ${error.message}`, undefined, {
          cause: error,
        }),
      ),
    );
    child.once("close", (code, signal) => {
      if (code === 0) return resolve("whole");
      if (signal === "SIGPIPE" || /broken pipe|connection reset/i.test(stderr)) return resolve("cut");
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const detail = stderr.trim().split("\n").slice(-3).join("\n");
      const message =
        failure === "E_BACKUP_CORRUPT" ? `${what} does not decode: ${program} ${how}` : `${program} ${how}`;
      reject(new BackupError(failure, detail ? `${message}: ${detail}` : message));
    });
  });
  ended.catch(() => {});
  return {
    stdout: child.stdout as Readable,
    ended,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
