import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Problem } from "../errors.js";

const DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const OVERRIDE_FILES = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yaml",
  "docker-compose.override.yml",
];

/** The Compose files to read: `-f` files as given, else the default file and its override in the directory. */
export function discoverFiles(
  requested: readonly string[],
  cwd: string,
  projectDirectory: string | undefined,
): { readonly files: readonly string[]; readonly problems: readonly Problem[] } {
  if (requested.length > 0) return { files: requested.map((file) => resolve(cwd, file)), problems: [] };
  const directory = resolve(cwd, projectDirectory ?? ".");
  const found = DEFAULT_FILES.map((name) => resolve(directory, name)).filter((file) => existsSync(file));
  const main = found[0];
  if (main === undefined) {
    return {
      files: [],
      problems: [
        {
          code: "E_MANIFEST_NOT_FOUND",
          message: `no Compose file in ${directory}`,
          hint: `create compose.yaml there, or name the file with -f (looked for ${DEFAULT_FILES.join(", ")})`,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  if (found.length > 1) {
    problems.push({
      code: "W_MANIFEST_SEVERAL_FILES",
      severity: "warning",
      message: `found ${found.map((f) => basename(f)).join(" and ")}; using ${basename(main)}`,
      hint: "remove the file you do not use, or pick one with -f",
    });
  }
  const override = OVERRIDE_FILES.map((name) => resolve(directory, name)).find((file) => existsSync(file));
  return { files: override ? [main, override] : [main], problems };
}

/** Compose's project name rule: lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
export function projectNameFromDirectory(directory: string): string {
  const name = basename(directory)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[^a-z0-9]+/, "");
  return name || "default";
}

export function defaultProjectDirectory(
  files: readonly string[],
  cwd: string,
  explicit: string | undefined,
): string {
  if (explicit !== undefined) return resolve(cwd, explicit);
  return files[0] ? dirname(files[0]) : cwd;
}
