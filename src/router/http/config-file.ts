import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import type { RouterConfig } from "../model.js";
import { parseRouterConfig } from "./config-schema.js";

/** The last applied configuration, or undefined when none was ever saved. Throws on a corrupt file. */
export function readConfigFile(file: string): RouterConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseRouterConfig(JSON.parse(text));
}

/** Replaces the file atomically (temporary file, fsync, rename): a crash leaves the old or the new one. */
export function writeConfigFile(file: string, config: RouterConfig): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(config, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}
