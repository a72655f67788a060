/**
 * Golden fixtures for the manifest loader (see test/manifest/fixtures.ts for the layout).
 *
 * - Every `test/fixtures/valid/<name>/` loads without errors and its `slipway config` document
 *   equals `config.golden.json`. Regenerate with `UPDATE_GOLDEN=1 npx vitest run --project unit
 *   src/manifest/fixtures.test.ts`, then READ the diff: a golden is an assertion.
 *   Fixtures whose options.json names a `bug` have hand-written goldens and are never rewritten.
 * - Every `test/fixtures/invalid/<name>` is rejected, and its first error (by file, line, column)
 *   has the code and position its `<name>.expect.json` says.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  goldenText,
  INVALID,
  invalidFixtures,
  isError,
  loadFixture,
  looksLikeStackTrace,
  sortedErrors,
  validFixtures,
} from "../../test/manifest/fixtures.js";
import type { Problem } from "../errors.js";

const UPDATE = process.env.UPDATE_GOLDEN === "1";
const bugNote = (bug: string | undefined) => (bug ? ` [known loader bug: ${bug}]` : "");

function expectReadable(problems: readonly Problem[]): void {
  for (const problem of problems) {
    expect(problem.code).toMatch(/^[EW]_[A-Z_]+$/);
    expect(problem.message.trim(), `empty message for ${problem.code}`).not.toBe("");
    expect(looksLikeStackTrace(problem.message), problem.message).toBe(false);
    if (problem.hint !== undefined) expect(looksLikeStackTrace(problem.hint), problem.hint).toBe(false);
  }
}

describe("valid fixtures", () => {
  const fixtures = validFixtures();

  it("there are at least 25 of them", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name} loads and matches config.golden.json${bugNote(fixture.options.bug)}`, () => {
      const result = loadFixture(fixture);
      expectReadable(result.problems);
      expect(result.problems.filter(isError)).toEqual([]);
      expect(result.problems.map((p) => p.code)).toEqual(fixture.options.warnings ?? []);
      expect(result.spec).toBeDefined();
      const actual = goldenText(result.spec!, fixture.dir);
      if (UPDATE && !fixture.options.bug) writeFileSync(fixture.golden, actual);
      expect(existsSync(fixture.golden), `${fixture.golden} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(fixture.golden, "utf8")));
    });
  }
});

describe("invalid fixtures", () => {
  const fixtures = invalidFixtures();

  it("there are at least 30 of them, each with an expectation", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    const withExpectation = new Set(fixtures.map((f) => f.name));
    const orphans = readdirSync(INVALID)
      .filter((entry) => entry.endsWith(".yaml") || !entry.includes("."))
      .map((entry) => entry.replace(/\.yaml$/, ""))
      .filter((name) => !withExpectation.has(name));
    expect(orphans).toEqual([]);
  });

  for (const fixture of fixtures) {
    const { expect: expected } = fixture;
    const where = expected.line === null ? "no location" : `${expected.line}:${expected.column}`;
    it(`${fixture.name} fails with ${expected.code} at ${where}${bugNote(expected.bug)}`, () => {
      const result = loadFixture(fixture);
      expectReadable(result.problems);
      expect(result.spec).toBeUndefined();
      const first = sortedErrors(result.problems)[0];
      expect(first, "no error reported").toBeDefined();
      const expectedFile =
        expected.line === null
          ? null
          : resolve(fixture.dir, expected.file ?? relative(fixture.dir, fixture.files[0]!));
      expect({
        code: first!.code,
        file: first!.location ? first!.location.file : null,
        line: first!.location?.line ?? null,
        column: first!.location?.column ?? null,
      }).toEqual({ code: expected.code, file: expectedFile, line: expected.line, column: expected.column });
      if (expected.hint !== undefined) expect(first!.hint ?? "").toContain(expected.hint);
      if (expected.message !== undefined) expect(first!.message).toContain(expected.message);
    });
  }

  it("every fixture file named in an expectation exists", () => {
    for (const fixture of fixtures) {
      for (const file of fixture.files) {
        if (fixture.expect.code === "E_MANIFEST_NOT_FOUND") continue;
        expect(existsSync(file), file).toBe(true);
      }
      if (fixture.expect.file && fixture.expect.code !== "E_MANIFEST_NOT_FOUND")
        expect(existsSync(join(fixture.dir, fixture.expect.file))).toBe(true);
    }
  });
});
