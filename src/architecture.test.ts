import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layout is the architecture (see DESIGN.md): stages import only from stages below them, no
 * module imports itself back through a cycle, and no source file grows past 300 lines.
 */
const SRC = import.meta.dirname;

/** For each folder of src/, the folders it must never import from (its callers, higher up). */
const FORBIDDEN: Record<string, readonly string[]> = {
  agent: ["cli"],
  deploy: ["agent", "cli"],
  plan: ["deploy", "agent", "cli", "targets", "router", "backup"],
  release: ["plan", "deploy", "agent", "cli", "targets", "router", "backup"],
  targets: ["deploy", "plan", "agent", "cli", "router", "backup"],
  router: ["deploy", "plan", "agent", "cli", "targets", "backup"],
  manifest: ["release", "plan", "deploy", "targets", "router", "agent", "cli", "state", "backup", "health"],
  health: ["deploy", "plan", "release", "agent", "cli", "router", "backup"],
  backup: ["deploy", "plan", "release", "agent", "cli", "targets", "router"],
  check: ["deploy", "plan", "release", "agent", "cli", "targets", "router", "backup"],
  state: ["manifest", "release", "plan", "deploy", "targets", "router", "agent", "cli", "backup", "health"],
  secrets: ["release", "plan", "deploy", "targets", "router", "agent", "cli", "state", "backup", "health"],
  host: ["manifest", "release", "plan", "deploy", "targets", "router", "agent", "cli", "state", "backup"],
  observe: ["agent", "cli", "deploy", "targets", "router"],
  // The web pages run in a browser: they talk to the agent over HTTP only.
  dashboard: [
    "manifest",
    "check",
    "release",
    "plan",
    "deploy",
    "targets",
    "router",
    "health",
    "backup",
    "secrets",
    "observe",
    "host",
    "state",
    "agent",
    "cli",
    "network",
  ],
  network: ["release", "plan", "deploy", "targets", "router", "agent", "cli", "backup"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const isTest = (file: string) =>
  /\.test\.ts$|test-support\.ts$|[/-]testing\/|conformance|suite|fixtures|harness|fake-/.test(file);
const files = sourceFiles(SRC).filter((file) => !file.endsWith(".test.ts"));
const stageOf = (file: string) => relative(SRC, file).split("/")[0]!;

/** Relative imports of a file, resolved to source paths (type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) =>
    resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")),
  );
}

describe("the source layout", () => {
  it("has no import from a stage back up to one that calls it", () => {
    const violations = files.flatMap((file) => {
      const forbidden = FORBIDDEN[stageOf(file)] ?? [];
      return importsOf(file)
        .filter((target) => forbidden.includes(stageOf(target)))
        .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
    });
    expect(violations).toEqual([]);
  });

  it("has no import cycle between modules", () => {
    const graph = new Map(files.map((file) => [file, importsOf(file).filter((t) => t.startsWith(SRC))]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("keeps every source file (tests and their support aside) under 300 lines", () => {
    const long = files
      .filter((file) => !isTest(file))
      .map((file) => [relative(SRC, file), readFileSync(file, "utf8").split("\n").length - 1] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
