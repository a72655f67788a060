import { join } from "node:path";
import {
  type BackupEngine,
  BackupError,
  type Connection,
  type EngineKind,
  PostgresBackupEngine,
  RedisBackupEngine,
  VolumeBackupEngine,
} from "../../backup/index.js";
import { databaseKind } from "../../manifest/images.js";
import type { AppSpec, ServiceSpec } from "../../manifest/model.js";
import type { SlipwayPaths } from "../../state/paths.js";

/** What a service's backups read and restore, as the process target runs it. */
export interface BackupSource {
  readonly kind: EngineKind;
  readonly connection: Connection;
}

/** The service's `x-slipway.backups`, or a coded error naming the services that have it. */
export function backupSettings(app: AppSpec, service: string) {
  const settings = app.services[service]?.["x-slipway"].backups;
  if (!settings) {
    const configured = backedUpServices(app);
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `service ${service} of ${app.name} has no x-slipway.backups`,
      configured.length > 0
        ? `services with backups: ${configured.join(", ")}`
        : "add `x-slipway: { backups: {} }` to a database service",
    );
  }
  return settings;
}

/** Services of the app that have `x-slipway.backups`, in file order. */
export function backedUpServices(app: AppSpec): string[] {
  return Object.values(app.services)
    .filter((service) => service["x-slipway"].backups)
    .map((service) => service.name);
}

/** Host directory of each volume the service mounts, by mount target (as the process target mounts them). */
function mountDirs(app: AppSpec, service: ServiceSpec, paths: SlipwayPaths): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const mount of service.volumes) {
    if (mount.type === "volume" && mount.source) dirs[mount.target] = paths.volume(app.name, mount.source);
    if (mount.type === "bind" && mount.source) dirs[mount.target] = mount.source;
  }
  return dirs;
}

/**
 * How to reach a service's data on the process target: postgres and redis listen on 127.0.0.1 at the
 * instance's port (postgres with the image's POSTGRES_USER/PASSWORD/DB contract); a volume backup
 * reads the service's first named volume. `port` is the running instance's; undefined when none runs.
 */
export function backupSource(
  app: AppSpec,
  serviceName: string,
  paths: SlipwayPaths,
  port: number | undefined,
): BackupSource {
  const service = app.services[serviceName];
  if (!service) throw new BackupError("E_BACKUP_CONFIG", `${app.name} has no service ${serviceName}`);
  const image = databaseKind(service.image);
  const kind =
    service["x-slipway"].backups?.engine ?? (image === "postgres" || image === "redis" ? image : "volume");
  const dirs = mountDirs(app, service, paths);
  const runData = join(paths.run(app.name, serviceName), "data");
  const env = service.environment;
  switch (kind) {
    case "postgres": {
      const user = env.POSTGRES_USER ?? "postgres";
      const dataTarget = env.PGDATA ?? "/var/lib/postgresql/data";
      return {
        kind,
        connection: {
          host: "127.0.0.1",
          ...(port !== undefined ? { port } : {}),
          user,
          ...(env.POSTGRES_PASSWORD ? { password: env.POSTGRES_PASSWORD } : {}),
          database: env.POSTGRES_DB ?? user,
          dataDir: dirs[dataTarget] ?? dirs["/var/lib/postgresql/data"] ?? runData,
        },
      };
    }
    case "redis":
      return {
        kind,
        connection: {
          host: "127.0.0.1",
          ...(port !== undefined ? { port } : {}),
          dataDir: dirs["/data"] ?? runData,
        },
      };
    case "volume": {
      const volume = service.volumes.find((mount) => mount.type === "volume" && mount.source);
      if (!volume) {
        throw new BackupError(
          "E_BACKUP_CONFIG",
          `service ${serviceName} has no named volume to back up`,
          "mount a named volume, or set x-slipway.backups.engine to postgres or redis",
        );
      }
      return { kind, connection: { dataDir: dirs[volume.target]! } };
    }
  }
}

/** The engine for a source; `tmpDir` stages Redis snapshots. */
export function engineFor(source: BackupSource, tmpDir: string): BackupEngine<unknown> {
  switch (source.kind) {
    case "postgres":
      return new PostgresBackupEngine(source.connection) as BackupEngine<unknown>;
    case "redis":
      return new RedisBackupEngine(source.connection, { tmpDir }) as BackupEngine<unknown>;
    case "volume":
      return new VolumeBackupEngine(source.connection) as BackupEngine<unknown>;
  }
}
