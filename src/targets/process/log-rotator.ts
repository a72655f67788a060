import { readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isSameLiveProcess } from "../../host/proc-stat.js";
import type { InstanceHandle } from "../target.js";
import { DEFAULT_LOG_LIMITS, type LogLimits, rotateLogs } from "./log-rotation.js";

/** Written beside the logs, so an agent that adopts the instance after a restart rotates by the same limits. */
const LIMITS_FILE = "log-limits.json";

interface Watched {
  readonly instanceId: string;
  readonly limits: LogLimits;
  readonly alive: () => boolean;
}

function readLimits(logDir: string): LogLimits {
  try {
    const { maxBytes, maxFiles } = JSON.parse(readFileSync(join(logDir, LIMITS_FILE), "utf8")) as LogLimits;
    if (Number.isInteger(maxBytes) && maxBytes > 0 && Number.isInteger(maxFiles) && maxFiles >= 1)
      return { maxBytes, maxFiles };
  } catch {
    // Missing or unreadable (an instance started before limits were recorded): the defaults bound it.
  }
  return DEFAULT_LOG_LIMITS;
}

/** The log directory a running process writes its stdout into, found from `/proc/PID/fd/1`. */
function logDirOf(pid: number): string | undefined {
  try {
    const stdout = readlinkSync(`/proc/${pid}/fd/1`);
    return basename(stdout) === "stdout.log" ? dirname(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps instance log files size-bounded while the instances write them, by checking their sizes on a
 * timer and copy-truncating (see `rotateLogs`) the ones past their limit.
 *
 * Why copy-truncate by the agent rather than a pipe into a copier process: an instance writes straight
 * into its O_APPEND log files, so it never blocks on a slow or absent logger, never gets SIGPIPE when
 * one dies, and keeps logging while the agent restarts — at no cost of an extra process per instance.
 * Docker's json-file driver (`max-size`/`max-file`) is exact because dockerd writes every line itself,
 * read from a FIFO that a shim process per container holds; with dockerd away the FIFO fills and the
 * container blocks on its next write. PM2's pm2-logrotate does what this does: poll sizes, copy,
 * truncate. The price: a file may pass `maxBytes` by what the instance writes within one check
 * interval; the few bytes written between the copy's last read and the truncation are lost; and while
 * no agent runs nothing rotates — the next agent adopts the instance (`adopt`) and rotates at once.
 */
export class LogRotator {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onError: (instanceId: string, message: string) => void,
  ) {}

  /** Rotates `logDir`'s files by `limits` as long as `alive()` says the writer is still there. */
  watch(instanceId: string, logDir: string, limits: LogLimits, alive: () => boolean): void {
    try {
      writeFileSync(join(logDir, LIMITS_FILE), JSON.stringify(limits));
    } catch {
      // Without the record an adopting agent falls back to the defaults, which still bound the files.
    }
    this.add(logDir, { instanceId, limits, alive });
  }

  /** Watches a process another agent started: its log directory is where its stdout goes. */
  adopt(handle: InstanceHandle): void {
    const logDir = logDirOf(handle.pid);
    if (logDir === undefined) return;
    this.add(logDir, {
      instanceId: handle.id,
      limits: readLimits(logDir),
      alive: () => isSameLiveProcess(handle),
    });
  }

  /** One pass over every watched directory; dead writers are dropped, and the timer with the last one. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [logDir, watched] of this.watched) {
        if (!watched.alive()) {
          if (this.watched.get(logDir) === watched) this.watched.delete(logDir);
          continue;
        }
        await rotateLogs(logDir, watched.limits).catch((error: Error) =>
          this.onError(watched.instanceId, `log rotation failed: ${error.message}`),
        );
      }
    } finally {
      this.checking = false;
      if (this.watched.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }
  }

  private add(logDir: string, watched: Watched): void {
    // A replacement started under the same id (a restart) takes over the directory.
    this.watched.set(logDir, watched);
    // Unref'd: rotation alone never keeps the agent (or a test) alive.
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
  }
}
