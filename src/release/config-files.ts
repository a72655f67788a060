import type { AppSpec, ServiceSpec } from "../manifest/model.js";

/** One config a service's instance sees as a read-only file (Compose `configs:` on a service). */
export interface ConfigFile {
  /** The config's name (top-level `configs:` key). */
  readonly name: string;
  /** Absolute path inside the instance: the grant's `target`, else `/<name>` as Compose mounts it. */
  readonly target: string;
  readonly content: string;
  /** File mode, default 0444 as Compose's. */
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

/** What a config grant left undeliverable: an external config (no target here can fetch one) or one without content. */
export interface UndeliveredConfig {
  readonly name: string;
  readonly reason: string;
}

/**
 * The config files of one service from a frozen app: each `configs:` grant with the content the
 * release froze (inline `content`, a file's or a variable's). External configs are left out, and said.
 */
export function configFiles(
  app: Pick<AppSpec, "configs">,
  service: Pick<ServiceSpec, "configs">,
): { files: ConfigFile[]; undelivered: UndeliveredConfig[] } {
  const files: ConfigFile[] = [];
  const undelivered: UndeliveredConfig[] = [];
  for (const grant of service.configs) {
    const entry: { source: string; target?: string; uid?: string; gid?: string; mode?: number } = grant;
    const config = app.configs[entry.source];
    if (config?.external) {
      undelivered.push({ name: entry.source, reason: "external configs are not delivered by this target" });
      continue;
    }
    if (config?.content === undefined) {
      undelivered.push({ name: entry.source, reason: "the release holds no content for it" });
      continue;
    }
    const target = entry.target ?? `/${entry.source}`;
    files.push({
      name: entry.source,
      target: target.startsWith("/") ? target : `/${target}`,
      content: config.content,
      mode: (entry.mode ?? 0o444) & 0o777,
      uid: entry.uid !== undefined ? Number(entry.uid) : undefined,
      gid: entry.gid !== undefined ? Number(entry.gid) : undefined,
    });
  }
  return { files, undelivered };
}
