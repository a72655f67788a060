import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readStreamTail } from "./log-tail.js";
import { largestSizesDuring, lineNumber, stdoutSizes, steadyWriter } from "./log-writer-fixture.js";
import { processFixtures } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

const KB = 1024;
/** What the writer (~100 KB/s) adds within one 100 ms check, with room for a slow machine. */
const SLACK = 32 * KB;

describe("log rotation of a running instance", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner({ logCheckIntervalMs: 100 }), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("keeps a continuously writing instance's files under the configured size and count", {
    timeout: 20_000,
  }, async () => {
    const spec = h.spec(steadyWriter, { logs: { maxBytes: 64 * KB, maxFiles: 3 } });
    await h.start(spec);
    const largest = await largestSizesDuring(spec.logDir, 3000);
    // Over 3 s the writer produced far more than 3 × 64 KB; it all had to go somewhere.
    const { lines } = await readStreamTail(spec.logDir, "stdout");
    expect(lineNumber(lines.at(-1) ?? "")).toBeGreaterThan((3 * 64 * KB) / 110);
    expect(largest.length).toBe(3); // stdout.log, .1, .2 and never a .3
    for (const size of largest) expect(size).toBeLessThanOrEqual(64 * KB + SLACK);
    // What is kept is the newest output, oldest first.
    expect(lineNumber(lines[0] ?? "")).toBeGreaterThan(1);
    const numbers = lines.map(lineNumber);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });
});

describe("log rotation after an agent restart", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner(), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("bounds an adopted instance's logs by the limits it was started with", { timeout: 20_000 }, async () => {
    const spec = h.spec(steadyWriter, { logs: { maxBytes: 64 * KB, maxFiles: 2 } });
    const handle = await h.startFromKilledAgent(spec);

    // Nobody rotates while no agent runs.
    await vi.waitFor(() => expect(stdoutSizes(spec.logDir)[0]).toBeGreaterThan(64 * KB + SLACK), {
      timeout: 5000,
    });
    const restarted = new ProcessRunner({ logCheckIntervalMs: 100 });
    expect(await restarted.adopt([handle])).toEqual([handle]);
    await vi.waitFor(() => expect(stdoutSizes(spec.logDir)[0]).toBeLessThan(64 * KB), { timeout: 2000 });
    const largest = await largestSizesDuring(spec.logDir, 2000);
    expect(largest.length).toBe(2); // maxFiles 2, recorded beside the logs: stdout.log and .1 only
    expect(largest[0]).toBeLessThanOrEqual(64 * KB + SLACK);
  });
});
