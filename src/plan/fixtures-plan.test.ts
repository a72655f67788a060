/**
 * `check` and `plan` keep working on everything `config` accepts: every valid manifest fixture
 * is linted and planned (frozen, drafted, planned against nothing running) without a crash. A
 * release input the fixture leaves out (a secret's file) may be refused, but only with a code.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadFixture, validFixtures } from "../../test/manifest/fixtures.js";
import { runChecks } from "../check/run.js";
import { SlipwayError } from "../errors.js";
import { draftRelease } from "../release/create.js";
import { freezeApp } from "../release/freeze.js";
import { NOTHING_RUNS } from "./model.js";
import { planDeploy } from "./plan.js";

const artifacts = mkdtempSync(join(tmpdir(), "slipway-fixture-plans-"));
afterAll(() => rmSync(artifacts, { recursive: true, force: true }));

describe("check and plan on every valid manifest fixture", () => {
  for (const fixture of validFixtures()) {
    it(fixture.name, () => {
      const result = loadFixture(fixture);
      expect(result.spec).toBeDefined();
      const spec = result.spec!;
      expect(() => runChecks(spec, result)).not.toThrow();
      try {
        const frozen = freezeApp(spec, { ...fixture.options.env });
        const plan = planDeploy(draftRelease(frozen, join(artifacts, fixture.name)), NOTHING_RUNS);
        expect(plan.levels.flat().length).toBeGreaterThan(0);
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(SlipwayError);
      }
    });
  }
});
