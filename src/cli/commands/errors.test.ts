import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOGUES, errorsMarkdown } from "./errors.js";

const REPO = join(import.meta.dirname, "../../..");
const SRC = join(REPO, "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

describe("error codes", () => {
  const declared = ERROR_CATALOGUES.flatMap((c) => Object.keys(c.codes));

  it("are declared once, by one stage", () => {
    expect(declared.filter((code, i) => declared.indexOf(code) !== i)).toEqual([]);
  });

  it("include every code the sources raise", () => {
    const used = new Set(
      sources(SRC).flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/"(E_[A-Z0-9_]+)"/g)].map((m) => m[1]!),
      ),
    );
    // A prefix a handler tests for (`E_API`) is not a code of its own.
    const undeclared = [...used].filter(
      (code) => !declared.includes(code) && !declared.some((d) => d.startsWith(`${code}_`)),
    );
    expect(undeclared.sort()).toEqual([]);
  });

  it("are listed in the README exactly as `slipway errors --markdown` prints them", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const section = readme.split("<!-- error-codes:start -->")[1]?.split("<!-- error-codes:end -->")[0];
    expect(section?.trim(), "regenerate with: node bin/slipway errors --markdown").toBe(errorsMarkdown());
  });
});
