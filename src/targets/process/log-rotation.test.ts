import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { rotateLogs } from "./log-rotation.js";
import { readLogTail } from "./log-tail.js";
import { processFixtures, sh } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

describe("rotateLogs", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-rotate-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const log = (name: string) => join(dir, name);

  it("copies, truncates and shifts old copies, keeping `keep` of them", async () => {
    const writer = openSync(log("stdout.log"), "a");
    try {
      for (const text of ["one\n", "two\n", "three\n"]) {
        writeSync(writer, text);
        expect(await rotateLogs(dir, 1, 2)).toEqual([log("stdout.log")]);
      }
      writeSync(writer, "four\n");
    } finally {
      closeSync(writer);
    }
    // O_APPEND: the writer continued at the start of the truncated file, no hole of NUL bytes.
    expect(readFileSync(log("stdout.log"), "utf8")).toBe("four\n");
    expect(readFileSync(log("stdout.log.1"), "utf8")).toBe("three\n");
    expect(readFileSync(log("stdout.log.2"), "utf8")).toBe("two\n");
    expect(existsSync(log("stdout.log.3"))).toBe(false);
  });

  it("leaves files below the size limit alone", async () => {
    writeFileSync(log("stderr.log"), "small\n");
    expect(await rotateLogs(dir, 1024, 3)).toEqual([]);
    await expect(rotateLogs(dir, 1, 0)).rejects.toThrow(RangeError);
  });
});

describe("rotating a running instance's logs", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner(), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("keeps the instance appending to the emptied file", async () => {
    const spec = h.spec(sh("i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.02; done"));
    await h.start(spec);
    await h.waitForLog(spec, "tick 5");
    await rotateLogs(spec.logDir, 1, 2);
    expect(readFileSync(join(spec.logDir, "stdout.log.1"), "utf8")).toMatch(/^tick 1\ntick 2\n/);
    await vi.waitFor(async () => expect((await readLogTail(spec.logDir)).length).toBeGreaterThan(5));
    const current = await h.readLog(spec, "stdout");
    expect(current).toMatch(/^tick \d+\n/);
    expect(current).not.toContain("tick 1\n");
  });
});
