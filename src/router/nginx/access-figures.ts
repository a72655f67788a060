import { closeSync, openSync, readSync, statSync } from "node:fs";
import { type VersionSample, VersionStats } from "../version-stats.js";

/** The fields of a line of the `slipway` log_format (see http.ts) that canary analysis reads. */
interface AccessLine {
  readonly status: number;
  readonly seconds: number;
  /** `$upstream_addr`: every upstream tried, `, ` between attempts, ` : ` between internal redirects. */
  readonly upstream: string;
  readonly upstream_status: string;
  /** `$proxy_host`: the route's upstream group, empty when nothing was proxied. */
  readonly upstream_group: string;
}

/** One attempt on one upstream, as a line of the access log tells it. */
export interface Attempt {
  readonly group: string;
  readonly address: string;
  readonly error: boolean;
  /** Set on the attempt that answered the client. */
  readonly durationMs?: number | undefined;
}

const SEPARATOR = /, | : /;

/**
 * The upstream attempts of one access log line, as the builtin router counts them: each attempt
 * that failed before the last one is an error of its upstream (a refused connection), and the last
 * attempt carries the answer's status and duration. Upgrades (101) and unproxied answers yield none.
 */
export function attemptsOf(line: string): Attempt[] {
  let entry: AccessLine;
  try {
    entry = JSON.parse(line) as AccessLine;
  } catch {
    return [];
  }
  if (!entry.upstream_group || !entry.upstream || entry.status === 101) return [];
  const addresses = entry.upstream.split(SEPARATOR);
  const statuses = entry.upstream_status.split(SEPARATOR);
  return addresses.map((address, index) => {
    const last = index === addresses.length - 1;
    const status = Number(statuses[index]);
    return last
      ? { group: entry.upstream_group, address, error: entry.status >= 500, durationMs: entry.seconds * 1000 }
      : { group: entry.upstream_group, address, error: !(status < 500) };
  });
}

const CHUNK = 1 << 20;

/**
 * Per-version figures read from nginx's JSON access log: each call reads the lines appended since
 * the last one and tallies them by upstream group and version (`versionOf` maps an upstream address
 * to the version it served). A log that shrank (rotated) is read again from its start.
 */
export class AccessLogFigures {
  private readonly stats = new VersionStats();
  private offset: number | undefined;
  private pending = "";

  constructor(
    private readonly file: string,
    private readonly versionOf: (address: string) => string | undefined,
  ) {}

  private size(): number {
    try {
      return statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  /** Reads what nginx appended; the first call only notes where the log ends (older lines predate any step). */
  private catchUp(): void {
    const size = this.size();
    if (this.offset === undefined) {
      this.offset = size;
      return;
    }
    if (size < this.offset) {
      this.offset = 0;
      this.pending = "";
    }
    if (size === this.offset) return;
    const fd = openSync(this.file, "r");
    try {
      const buffer = Buffer.alloc(CHUNK);
      while (this.offset < size) {
        const read = readSync(fd, buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (read === 0) break;
        this.offset += read;
        const lines = (this.pending + buffer.toString("utf8", 0, read)).split("\n");
        this.pending = lines.pop() ?? "";
        for (const line of lines) this.tally(line);
      }
    } finally {
      closeSync(fd);
    }
  }

  private tally(line: string): void {
    for (const attempt of attemptsOf(line)) {
      const version = this.versionOf(attempt.address);
      if (version !== undefined)
        this.stats.record(attempt.group, version, { error: attempt.error, durationMs: attempt.durationMs });
    }
  }

  /** Figures per version of each upstream group since its last reset. */
  snapshot(groups: readonly string[]): Record<string, VersionSample>[] {
    this.catchUp();
    return groups.map((group) => this.stats.snapshot(group));
  }

  reset(groups: readonly string[]): void {
    this.catchUp();
    for (const group of groups) this.stats.reset(group);
  }
}
