// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS templates
/**
 * Property tests: whatever text a Compose file holds, `loadManifest` returns (never throws) either
 * a spec with no errors, or no spec and at least one error; every problem has an `E_`/`W_` code
 * and a readable message without a stack trace.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { isError, loadOptions, looksLikeStackTrace, validFixtures } from "../../test/manifest/fixtures.js";
import { type LoadOptions, type LoadResult, loadManifest } from "./load.js";

/** Runs per property; FC_RUNS raises it for a longer hunt (FC_SEED replays a failure). */
const RUNS = Number(process.env.FC_RUNS) || 200;
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const root = mkdtempSync(join(tmpdir(), "slipway-property-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Loads and checks the property; returns a description of the violation, or undefined. */
function violation(options: LoadOptions): string | undefined {
  let result: LoadResult;
  try {
    result = loadManifest(options);
  } catch (error) {
    return `loadManifest threw: ${(error as Error).stack ?? String(error)}`;
  }
  for (const problem of result.problems) {
    if (typeof problem.code !== "string" || !/^[EW]_[A-Z0-9_]+$/.test(problem.code))
      return `bad code ${JSON.stringify(problem.code)}`;
    if (typeof problem.message !== "string" || problem.message.trim() === "")
      return `empty message for ${problem.code}`;
    if (looksLikeStackTrace(problem.message)) return `stack trace in message: ${problem.message}`;
    if (problem.code.startsWith("W_") !== (problem.severity === "warning"))
      return `${problem.code} has severity ${problem.severity}`;
  }
  const errors = result.problems.filter(isError);
  if (result.spec === undefined && errors.length === 0) return "no spec and no error";
  if (result.spec !== undefined && errors.length > 0) return `a spec despite ${errors[0]!.code}`;
  return undefined;
}

function check(options: LoadOptions): void {
  const problem = violation(options);
  expect(problem, problem).toBeUndefined();
}

// ---------------------------------------------------------------------------------------------
// (a) random documents

const randomDir = join(root, "random");
mkdirSync(randomDir);
const loadText = (text: string) => {
  writeFileSync(join(randomDir, "compose.yaml"), text);
  return { cwd: randomDir, files: ["compose.yaml"], env: { SET: "value" } } satisfies LoadOptions;
};

const SERVICE_KEYS = [
  "image",
  "build",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "ports",
  "volumes",
  "depends_on",
  "healthcheck",
  "deploy",
  "restart",
  "secrets",
  "configs",
  "networks",
  "profiles",
  "extends",
  "labels",
  "x-slipway",
  "user",
  "expose",
  "scale",
  "stop_grace_period",
  "extra_hosts",
  "ulimits",
  "logging",
];
const TOP_KEYS = [
  "services",
  "volumes",
  "networks",
  "secrets",
  "configs",
  "name",
  "version",
  "include",
  "x-slipway",
];
const SLIPWAY_KEYS = [
  "strategy",
  "canary",
  "rolling",
  "blue_green",
  "routes",
  "migrate",
  "schedule",
  "backups",
  "process",
];

/** Values that are often almost right: numbers as strings, durations, port specs, references, tags. */
const nearMiss = fc.oneof(
  fc.constantFrom(
    "80:80",
    "1m30s",
    "0 3 * * *",
    "${SET}",
    "${UNSET:-x}",
    "${",
    "$$",
    "./data:/data:ro",
    "CMD",
  ),
  fc.constantFrom("service_healthy", "canary", "rolling", "on-failure:3", "-1", "1e3", "~", "null", "true"),
  fc.integer({ min: -70_000, max: 70_000 }),
);
const leaf = fc.oneof(fc.jsonValue({ maxDepth: 1 }), nearMiss);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...SERVICE_KEYS, ...SLIPWAY_KEYS), fc.string({ maxLength: 6 })),
      tie("node"),
      {
        maxKeys: 3,
      },
    ),
  ),
})).node;
const service = fc.dictionary(fc.constantFrom(...SERVICE_KEYS), value, { maxKeys: 6 });
const composeShaped = fc.record(
  {
    services: fc.dictionary(fc.constantFrom("web", "db", "api", "x-web", "bad name"), service, {
      maxKeys: 3,
    }),
    volumes: fc.dictionary(fc.constantFrom("data", "cache"), value, { maxKeys: 2 }),
    other: fc.dictionary(fc.constantFrom(...TOP_KEYS), value, { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);

/** Characters that matter to YAML and to interpolation. */
const yamlish = fc.string({
  unit: fc.constantFrom(..."ab:-[]{}&*!|>'\"%@`#,?$\\ \n\t\n  services:imgx0123456789=/.~<".split("")),
  maxLength: 200,
});

describe("property: random documents never make the loader throw", { timeout: 120_000 }, () => {
  it("fc.jsonValue() rendered as YAML", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => check(loadText(stringify(doc)))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("fc.anything() rendered as YAML", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (doc) => check(loadText(stringify(doc) ?? ""))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("Compose-shaped documents with random values", () => {
    fc.assert(
      fc.property(composeShaped, ({ other, ...doc }) => check(loadText(stringify({ ...other, ...doc })))),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("random text (any characters, and YAML/interpolation characters)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), yamlish), (text) =>
        check(loadText(text)),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) random mutations of the valid fixtures (each fixture copied once; its first file is mutated)

const copies = validFixtures().map((fixture) => {
  const dir = join(root, "fixtures", fixture.name);
  cpSync(fixture.dir, dir, { recursive: true });
  const first = fixture.files[0]!;
  // the example fixture names a file outside its folder; mutate a copy of that one too
  const inside = !relative(fixture.dir, first).startsWith("..");
  const target = inside ? join(dir, relative(fixture.dir, first)) : join(dir, "external-compose.yaml");
  const files = fixture.files.map((file) => (file === first ? target : file));
  const text = readFileSync(first, "utf8");
  return { fixture, dir, target, text, options: { ...loadOptions(fixture), cwd: dir, files } };
});
const fixtureIndex = fc.nat({ max: copies.length - 1 });

function loadMutated(index: number, mutate: (text: string) => string): LoadOptions {
  const copy = copies[index]!;
  writeFileSync(copy.target, mutate(copy.text));
  return copy.options;
}

/** Paths to every node of a parsed document, for structural mutations. */
function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  const entries: [string | number, unknown][] = Array.isArray(node)
    ? node.map((item, i) => [i, item])
    : node !== null && typeof node === "object"
      ? Object.entries(node)
      : [];
  for (const [key, item] of entries) out.push(...paths(item, [...prefix, key]));
  return out;
}

function structural(text: string, pick: number, action: "delete" | "replace", replacement: unknown): string {
  const doc = parseDocument(text, { merge: true });
  const all = paths(doc.toJS()).filter((p) => p.length > 0);
  if (all.length === 0) return text;
  const path = all[pick % all.length]!;
  try {
    if (action === "delete") doc.deleteIn(path);
    else doc.setIn(path, replacement);
    return doc.toString();
  } catch {
    // deleting an anchor leaves its aliases dangling, which `yaml` cannot print: keep the text
    return text;
  }
}

describe("property: mutated valid fixtures never make the loader throw", { timeout: 120_000 }, () => {
  it(`covers every valid fixture (${copies.length})`, () => {
    expect(copies.length).toBeGreaterThanOrEqual(25);
  });

  it("delete a key or replace a value with a random one", () => {
    fc.assert(
      fc.property(
        fixtureIndex,
        fc.nat(),
        fc.constantFrom("delete" as const, "replace" as const),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), nearMiss),
        (index, pick, action, replacement) =>
          check(loadMutated(index, (text) => structural(text, pick, action, replacement))),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("duplicate or delete a line (duplicate keys, broken indentation)", () => {
    fc.assert(
      fc.property(fixtureIndex, fc.nat(), fc.boolean(), (index, pick, duplicate) =>
        check(
          loadMutated(index, (text) => {
            const lines = text.split("\n");
            const at = pick % lines.length;
            if (duplicate) lines.splice(at, 0, lines[at]!);
            else lines.splice(at, 1);
            return lines.join("\n");
          }),
        ),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("insert ${ or other text at a random offset", () => {
    fc.assert(
      fc.property(
        fixtureIndex,
        fc.nat(),
        fc.constantFrom(
          "${",
          "$",
          "}",
          "\t",
          ": ",
          "- ",
          "*a",
          "&a ",
          "!reset ",
          "!override ",
          "<<: ",
          "x-",
          '"',
          "\n  ",
        ),
        (index, pick, insert) =>
          check(
            loadMutated(
              index,
              (text) =>
                text.slice(0, pick % (text.length + 1)) + insert + text.slice(pick % (text.length + 1)),
            ),
          ),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("truncate the file at a random offset", () => {
    fc.assert(
      fc.property(fixtureIndex, fc.nat(), (index, pick) =>
        check(loadMutated(index, (text) => text.slice(0, pick % (text.length + 1)))),
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
