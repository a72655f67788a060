import type { Writable } from "node:stream";

/** One line of the access log. */
export interface AccessLogEntry {
  readonly ts: string;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly upstream: string | null;
  readonly route: string | null;
  readonly version: string | null;
  readonly clientIp: string;
  readonly requestId: string;
}

/** Past this many bytes waiting to be written, lines are dropped rather than buffered without bound. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** Lines are written at most this long after their request ended (or at once past FLUSH_BYTES). */
export const ACCESS_LOG_FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

/**
 * Writes JSON lines to a stream, the lines of up to `ACCESS_LOG_FLUSH_MS` in one write: the router's
 * stdout is a file, written synchronously, and a write per request (or per event-loop turn, which
 * under load holds one or two requests) cost more than proxying the request.
 * A broken stream (the process that read the router's stdout died) must never take the router
 * down, so write errors are swallowed and logging stops.
 */
export class AccessLog {
  private broken = false;
  private pending = "";
  private readonly flushSoon = () => this.flush();
  private scheduled: NodeJS.Timeout | undefined;

  constructor(private readonly out: Writable | undefined) {
    out?.on("error", () => {
      this.broken = true;
      this.pending = "";
    });
  }

  /** False when lines would be dropped anyway: callers skip building them. */
  get enabled(): boolean {
    return this.out !== undefined && !this.broken && !this.out.destroyed;
  }

  write(entry: AccessLogEntry): void {
    if (!this.out || !this.enabled) return;
    // Drop lines rather than buffer without bound when the reader is slower than the traffic.
    if (this.out.writableLength + this.pending.length > MAX_PENDING_BYTES) return;
    this.pending += `${JSON.stringify(entry)}\n`;
    if (this.pending.length >= FLUSH_BYTES) this.flush();
    else this.scheduled ??= setTimeout(this.flushSoon, ACCESS_LOG_FLUSH_MS);
  }

  /** Writes the lines still waiting (the router calls it when it closes). */
  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    const lines = this.pending;
    this.pending = "";
    if (lines && this.out && this.enabled) this.out.write(lines);
  }
}
