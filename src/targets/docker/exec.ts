import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import type { ExecResult } from "../target.js";
import { demuxLogs } from "./logs.js";

const OUTPUT_BYTES = 8192;

/**
 * Runs `argv` inside a running container (its env, user, cwd and /etc/hosts) through the Engine's
 * exec API. An exec cannot be killed through the API: past its timeout it is reported as timed out
 * and left to end on its own.
 */
export async function execInContainer(
  docker: Dockerode,
  containerId: string,
  argv: readonly string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const ended = new Promise<"ended">((resolve) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve("ended"));
    stream.on("close", () => resolve("ended"));
    stream.on("error", () => resolve("ended"));
  });
  const outcome = await Promise.race([ended, sleep(timeoutMs, "timeout" as const)]);
  const output = demuxLogs(Buffer.concat(chunks)).slice(-OUTPUT_BYTES);
  if (outcome === "timeout") {
    stream.destroy();
    return { exitCode: null, signal: null, timedOut: true, output };
  }
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? null, signal: null, timedOut: false, output };
}
