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

/**
 * Writes JSON lines to a stream. A broken stream (the process that read the router's stdout died)
 * must never take the router down, so write errors are swallowed and logging stops.
 */
export class AccessLog {
  private broken = false;

  constructor(private readonly out: Writable | undefined) {
    out?.on("error", () => {
      this.broken = true;
    });
  }

  /** False when lines would be dropped anyway: callers skip building them. */
  get enabled(): boolean {
    return this.out !== undefined && !this.broken && !this.out.destroyed;
  }

  write(entry: AccessLogEntry): void {
    if (!this.out || !this.enabled) return;
    // Drop lines rather than buffer without bound when the reader is slower than the traffic.
    if (this.out.writableLength > 1024 * 1024) return;
    this.out.write(`${JSON.stringify(entry)}\n`);
  }
}
