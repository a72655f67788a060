import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import type { SourceLocation } from "../errors.js";
import { loadManifest } from "../manifest/load.js";
import type { AppSpec } from "../manifest/model.js";
import type { LintRule } from "./rule.js";
import { type Finding, runChecks } from "./run.js";

/** Removes the indentation every line shares, so tests can indent their YAML with the code. */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** A spec loaded from `compose.yaml` (plus `files`) in a temporary directory removed after the test. */
export interface Loaded {
  readonly spec: AppSpec;
  readonly locate: (path: readonly (string | number)[]) => SourceLocation | undefined;
  readonly isLiteral: (path: readonly (string | number)[]) => boolean;
  readonly dir: string;
}

/** Writes the Compose YAML to a temporary project and loads it; throws when it does not load cleanly. */
export function loadCompose(
  compose: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {},
): Loaded {
  const dir = mkdtempSync(join(tmpdir(), "slipway-check-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "compose.yaml"), dedent(compose));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), dedent(text));
  const { spec, problems, locate, isLiteral } = loadManifest({ cwd: dir, env });
  if (!spec || problems.length > 0)
    throw new Error(`test manifest does not load: ${JSON.stringify(problems)}`);
  return { spec, locate, isLiteral, dir };
}

/** Findings of one rule over the Compose YAML. */
export function check(rule: LintRule, compose: string, env: Record<string, string> = {}): Finding[] {
  const loaded = loadCompose(compose, {}, env);
  return runChecks(loaded.spec, loaded, [rule]);
}

/** `code path` of each finding, the shortest way to assert what a rule reported and where. */
export const hitsOf = (findings: readonly Finding[]) => findings.map((f) => `${f.code} ${f.path}`);
