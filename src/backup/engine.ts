import type { Readable } from "node:stream";

/** The kinds of data slipway backs up. */
export type EngineKind = "postgres" | "redis" | "volume";

/**
 * How to reach the data an engine backs up and restores. Each engine reads the fields it needs and
 * says at construction which one is missing. Built by the agent from a service; not the Compose model.
 */
export interface Connection {
  /** Host name, IP address, or (postgres) a unix socket directory. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default: the engine's standard port (5432, 6379). */
  readonly port?: number;
  /** postgres: role to connect as (default `postgres`); redis: ACL user (default none). */
  readonly user?: string;
  /** Given to the tools through their environment, never their argv. Default none. */
  readonly password?: string;
  /** postgres: database to back up and restore. Default the user's name. */
  readonly database?: string;
  /** redis: the server's data directory (where a restore writes dump.rdb); volume: the directory itself. */
  readonly dataDir?: string;
  /** Unix account the tools run as (`postgres`, `redis`, `999:999`) when slipway runs as root. Default: slipway's. */
  readonly runAs?: string;
}

/** What a backup holds, recorded in its manifest at backup time and checked by verification. */
export type BackupContents = Readonly<Record<string, unknown>>;

/** A dump in progress. */
export interface EngineDump {
  /** The raw backup bytes; it fails instead of ending when the tool fails, so a partial dump never looks whole. */
  readonly stream: Readable;
  /** What the dump holds (row counts, key counts, file counts); settles after the stream has ended. */
  readonly contents: Promise<BackupContents>;
}

/**
 * The decoded bytes of a checked backup from some offset on, as the output of decoder processes
 * (`zstd -dc | tail -c +N`): handed as stdin to the engine's own tool, no byte passes through Node.
 */
export interface DecodedPipe {
  /**
   * Starts the decoders and returns the pipe they write to, to be given at once (in the same tick:
   * slipway's event loop would read from it) as a tool's stdin (`startTool`'s `stdin`). Once only.
   */
  start(): Readable;
  /**
   * Settles when the decoders have ended: `whole` when they decoded and wrote out every byte,
   * `cut` when the reader closed its end first (the rest was not decoded), or when they were
   * stopped before they started. Rejects with `E_BACKUP_CORRUPT` when the backup does not decode.
   */
  readonly done: Promise<"whole" | "cut">;
  /** Ends the decoders that still run (and closes the backup when they never started). */
  stop(): void;
}

/** Passed to every restore and verification. */
export interface RestoreContext {
  /** Id of the backup, used to name scratch databases and temporary files. */
  readonly id: string;
  /** Directory for temporary files. Default the system's. */
  readonly tmpDir?: string;
  /**
   * The same bytes as `input` from byte `from` on, as a `DecodedPipe`, once the backup passed its
   * check; `undefined` for an encrypted backup (age decrypts in Node) or when this machine lacks a
   * program of the chain (`zstd`, `gzip`, GNU `tail`). An engine that takes it reads
   * `input` only for its head and destroys it. Without it, everything comes through `input`.
   */
  readonly pipe?: (from: number) => Promise<DecodedPipe | undefined>;
}

/** Where a restore put the data. */
export interface RestoreOutcome {
  /** Human description (`database app on 127.0.0.1:5432`, `/srv/redis/dump.rdb`). */
  readonly restoredTo: string;
  /** What the caller still has to do or know (restart redis, the previous copy kept as …). */
  readonly notes: readonly string[];
}

/** One check of a verification. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

/** What a verification found. */
export interface VerifyOutcome {
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** Passed to a verification. */
export interface VerifyContext extends RestoreContext {
  /** The manifest's record of what the backup holds. */
  readonly contents: BackupContents;
  /** The user's check: SQL for postgres, a shell command for redis and volume. Default none. */
  readonly check?: string;
}

/**
 * Dumps, restores and verifies one kind of data. `Target` says where a restore goes; a restore
 * overwrites nothing until the whole input has arrived and been accepted.
 */
export interface BackupEngine<Target = unknown> {
  readonly kind: EngineKind;
  /** Short description for messages (`postgres app@127.0.0.1:5432`). */
  readonly description: string;
  /** Versions of the tools and server, recorded in each manifest (`{ pg_dump: "15.8" }`). */
  toolVersions(): Promise<Readonly<Record<string, string>>>;
  /** Starts a consistent dump. */
  dump(): Promise<EngineDump>;
  /**
   * True when `restore` uses nothing of the backup, and changes nothing it does not undo on failure,
   * before the first byte of its input arrives. The input is then handed over while the backup's
   * size and sha256 are still being checked, and yields bytes only once they passed (or fails with
   * `E_BACKUP_CHECKSUM`): the engine's preparation (starting a client, inspecting the target,
   * creating an empty scratch place) overlaps the check. Default false: `restore` starts after it.
   */
  readonly inspectsBeforeReading?: boolean;
  /** Restores the raw bytes of a dump. */
  restore(input: Readable, target: Target, context: RestoreContext): Promise<RestoreOutcome>;
  /** Restores into a scratch place, checks it against `contents` and the user's check, and removes it. */
  verify(input: Readable, context: VerifyContext): Promise<VerifyOutcome>;
}
