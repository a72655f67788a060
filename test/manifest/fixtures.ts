/**
 * Shared helpers for the manifest fixture suites (`src/manifest/*.test.ts`):
 * where the fixtures live, how each one is loaded, and how a loaded spec becomes a golden document.
 *
 * Layout:
 * - `test/fixtures/valid/<name>/compose.yaml` (+ override files, `.env`, extra files), optional
 *   `options.json` (LoadOptions minus cwd; `env` replaces process.env), and `config.golden.json`.
 * - `test/fixtures/invalid/<name>.yaml` or `test/fixtures/invalid/<name>/compose.yaml`, with
 *   `test/fixtures/invalid/<name>.expect.json` = `{ code, line, column, file?, hint?, message?, options? }`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configDocument } from "../../src/cli/commands/config.js";
import type { Problem } from "../../src/errors.js";
import { defaultProjectDirectory, discoverFiles } from "../../src/manifest/discover.js";
import { interpolationEnvironment } from "../../src/manifest/environment.js";
import { type LoadOptions, type LoadResult, loadManifest } from "../../src/manifest/load.js";
import type { AppSpec } from "../../src/manifest/model.js";

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");
export const VALID = join(FIXTURES, "valid");
export const INVALID = join(FIXTURES, "invalid");
export const REPO = resolve(FIXTURES, "../..");

/** What a fixture may set in `options.json` / `expect.json#options`; paths are relative to the fixture. */
export interface FixtureOptions {
  readonly files?: readonly string[];
  readonly envFiles?: readonly string[];
  readonly profiles?: readonly string[];
  readonly projectName?: string;
  readonly projectDirectory?: string;
  /** The whole environment the loader sees (never `process.env`). Default `{}`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Codes of the warnings the fixture is expected to produce, in order. Default none. */
  readonly warnings?: readonly string[];
  /**
   * A known loader bug this fixture reproduces (its golden or expectation is the correct
   * behaviour, written by hand, so the test fails until the bug is fixed).
   */
  readonly bug?: string;
}

export interface Fixture {
  readonly name: string;
  /** The directory the loader runs in (`cwd`). */
  readonly dir: string;
  readonly options: FixtureOptions;
  /** The Compose files named on the command line (or discovered), absolute. */
  readonly files: readonly string[];
}

export interface ValidFixture extends Fixture {
  readonly golden: string;
}

export interface Expectation {
  readonly code: string;
  /** Null when the problem has no location (e.g. a project name given with -p). */
  readonly line: number | null;
  readonly column: number | null;
  /** File of the first error, relative to the fixture's directory. Default: the first file. */
  readonly file?: string;
  /** A substring the hint must contain (e.g. `did you mean "image"?`). */
  readonly hint?: string;
  /** A substring the message must contain. */
  readonly message?: string;
  readonly options?: FixtureOptions;
  /** A known loader bug: the expectation is the correct behaviour, so the test fails until it is fixed. */
  readonly bug?: string;
}

export interface InvalidFixture extends Fixture {
  readonly expect: Expectation;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

function filesOf(dir: string, options: FixtureOptions): string[] {
  return [...discoverFiles(options.files ?? [], dir, options.projectDirectory).files];
}

/** Every valid fixture, sorted by name. */
export function validFixtures(): ValidFixture[] {
  return readdirSync(VALID)
    .filter((name) => statSync(join(VALID, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(VALID, name);
      const options = readJson<FixtureOptions>(join(dir, "options.json")) ?? {};
      return { name, dir, options, files: filesOf(dir, options), golden: join(dir, "config.golden.json") };
    });
}

/** Every invalid fixture (a `<name>.yaml` file or a `<name>/` folder), sorted by name. */
export function invalidFixtures(): InvalidFixture[] {
  return readdirSync(INVALID)
    .filter((entry) => entry.endsWith(".expect.json"))
    .sort()
    .map((entry) => {
      const name = entry.slice(0, -".expect.json".length);
      const expect = readJson<Expectation>(join(INVALID, entry))!;
      const folder = join(INVALID, name);
      const isFolder = existsSync(folder) && statSync(folder).isDirectory();
      const dir = isFolder ? folder : INVALID;
      const options: FixtureOptions = {
        ...(isFolder ? {} : { files: [`${name}.yaml`] }),
        ...expect.options,
      };
      return { name, dir, options, files: filesOf(dir, options), expect };
    });
}

export function loadOptions(fixture: Fixture, extra: Partial<LoadOptions> = {}): LoadOptions {
  const { env, warnings: _warnings, bug: _bug, ...rest } = fixture.options;
  return { ...rest, env: { ...env }, cwd: fixture.dir, ...extra };
}

export function loadFixture(fixture: Fixture): LoadResult {
  return loadManifest(loadOptions(fixture));
}

/** The interpolation variables the loader sees for a fixture (its `env` over its `.env` / env files). */
export function environmentFor(fixture: Fixture): ReturnType<typeof interpolationEnvironment> {
  const { env = {}, envFiles = [], projectDirectory } = fixture.options;
  const directory = defaultProjectDirectory(fixture.files, fixture.dir, projectDirectory);
  return interpolationEnvironment(env, envFiles, fixture.dir, directory);
}

export const isError = (problem: Problem): boolean => problem.severity !== "warning";

/** Errors sorted by file, line and column; problems without a location come last. */
export function sortedErrors(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem) => [
    p.location?.file ?? "\uffff",
    p.location?.line ?? 1e9,
    p.location?.column ?? 1e9,
  ];
  return problems.filter(isError).sort((a, b) => {
    const [fa, la, ca] = key(a) as [string, number, number];
    const [fb, lb, cb] = key(b) as [string, number, number];
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}

/** Replaces machine-specific absolute paths in every string so goldens do not depend on the checkout. */
export function portablePaths(value: unknown, dir: string): unknown {
  const home = homedir();
  const replace = (text: string) => {
    let out = text.replaceAll(dir, "<DIR>").replaceAll(REPO, "<REPO>");
    if (home.length > 1) out = out.replaceAll(home, "<HOME>");
    return out;
  };
  const visit = (node: unknown): unknown => {
    if (typeof node === "string") return replace(node);
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [replace(k), visit(v)]));
    return node;
  };
  return visit(value);
}

/** The golden text of a loaded spec: `slipway config --format json` with portable paths. */
export function goldenText(spec: AppSpec, dir: string): string {
  return `${JSON.stringify(portablePaths(configDocument(spec), dir), null, 2)}\n`;
}

/** Text that would reveal a leaked stack trace or an internal exception in a user-facing message. */
export function looksLikeStackTrace(text: string): boolean {
  return /\bat Object\b|\n\s+at \S|\bat [\w.<>]+ \(.*:\d+:\d+\)|node_modules\/|TypeError|ReferenceError/.test(
    text,
  );
}
