import type { StateStore } from "../../state/index.js";

/** A backup taken before a release's migrations ran. */
export interface PreMigrationBackup {
  readonly service: string;
  readonly id: string;
}

export const metaKey = (project: string, release: string) => `backups.pre-migrate:${project}:${release}`;

/** The backups taken before the migrations of `release` (none when it ran none). */
export function preMigrationBackups(
  store: StateStore,
  project: string,
  release: string,
): PreMigrationBackup[] {
  return JSON.parse(store.getMeta(metaKey(project, release)) ?? "[]") as PreMigrationBackup[];
}
