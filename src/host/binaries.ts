import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { SlipwayError } from "../errors.js";

/** Finds a program: Debian's versioned PostgreSQL directories first (newest), then PATH. */
export function findBinary(name: string, hint: string): string {
  const candidates: string[] = [];
  const pgRoot = "/usr/lib/postgresql";
  if (existsSync(pgRoot)) {
    const versions = readdirSync(pgRoot).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(pgRoot, v, "bin", name)));
  }
  candidates.push(
    ...(process.env.PATH ?? "")
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name)),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new SlipwayError({
      code: "E_NATIVE_MISSING_BINARY",
      message: `${name} is not installed on this machine`,
      hint,
    });
  }
  return found;
}
