import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigFile } from "../release/config-files.js";

/** A delivered config: the host file, and where the instance sees it. */
export interface DeliveredConfig {
  readonly source: string;
  readonly target: string;
}

/** Where an instance's config files are (or will be) in `dir`, and their targets: pure, for a launch or a probe. */
export function configPaths(dir: string, configs: readonly ConfigFile[]): DeliveredConfig[] {
  return configs.map((config, index) => ({
    source: join(dir, `${index}-${config.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`),
    target: config.target,
  }));
}

/**
 * Writes an instance's config files into `dir` (made afresh, 0755 so the instance's user reaches
 * them), each with its mode and owner; the target binds each one read-only at its target path.
 * Done once when the instance starts, never for a probe.
 */
export function deliverConfigs(dir: string, configs: readonly ConfigFile[]): DeliveredConfig[] {
  rmSync(dir, { recursive: true, force: true });
  if (configs.length === 0) return [];
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const delivered = configPaths(dir, configs);
  configs.forEach((config, index) => {
    const { source } = delivered[index]!;
    writeFileSync(source, config.content, { mode: 0o600 });
    chmodSync(source, config.mode); // exactly the grant's mode, whatever the umask
    if (config.uid !== undefined || config.gid !== undefined)
      chownSync(source, config.uid ?? process.getuid?.() ?? 0, config.gid ?? process.getgid?.() ?? 0);
  });
  return delivered;
}
