import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";

/**
 * Copies a container's output, as the engine streams it, into `stdout.log` and `stderr.log` of the
 * instance's log directory: the same files the process target writes, so `slipway logs -f` reads
 * containers the same way. One pump per container; it ends when the container stops.
 */
export class LogPumps {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly docker: Dockerode) {}

  /** Starts copying (from `sinceSeconds`, default the start: an adopted container's older lines stay in the engine). */
  follow(containerId: string, dir: string, sinceSeconds = 0): void {
    if (this.running.has(containerId)) return;
    const pump = this.copy(containerId, dir, sinceSeconds)
      .catch(() => {})
      .finally(() => this.running.delete(containerId));
    this.running.set(containerId, pump);
  }

  /** Resolves once the pump of a stopped container has written everything (at most `timeoutMs`). */
  async drained(containerId: string, timeoutMs = 2000): Promise<void> {
    const pump = this.running.get(containerId);
    if (pump) await Promise.race([pump, sleep(timeoutMs)]);
  }

  private async copy(containerId: string, dir: string, since: number): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const stream = await this.docker
      .getContainer(containerId)
      .logs({ follow: true, stdout: true, stderr: true, since });
    const stdout = createWriteStream(join(dir, "stdout.log"), { flags: "a" });
    const stderr = createWriteStream(join(dir, "stderr.log"), { flags: "a" });
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => resolve());
    });
    await Promise.all([stdout, stderr].map((file) => new Promise((resolve) => file.end(resolve))));
  }
}
