import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rotateLogs } from "./log-rotation.js";
import { LogFollower, readStreamTail } from "./log-tail.js";
import { lineNumber, steadyWriter } from "./log-writer-fixture.js";
import { processFixtures } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

describe("readStreamTail and LogFollower", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-tail-"));
    writeFileSync(join(dir, "stdout.log.2"), "o1\no2\n");
    writeFileSync(join(dir, "stdout.log.1"), "o3\no4\n");
    writeFileSync(join(dir, "stdout.log"), "o5\no6\npartial");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const append = (text: string) => appendFileSync(join(dir, "stdout.log"), text);
  const limits = { maxBytes: 1, maxFiles: 3 };

  it("reads rotated files oldest first, then the current file's complete lines", async () => {
    expect((await readStreamTail(dir, "stdout")).lines).toEqual(["o1", "o2", "o3", "o4", "o5", "o6"]);
    expect((await readStreamTail(dir, "stdout", 3)).lines).toEqual(["o4", "o5", "o6"]);
    expect((await readStreamTail(dir, "stdout", 0)).lines).toEqual([]);
    expect((await readStreamTail(dir, "stderr")).lines).toEqual([]);
  });

  it("follows across rotations without losing or repeating a line", async () => {
    const { cursor } = await readStreamTail(dir, "stdout", 2);
    const follower = new LogFollower(dir, "stdout", cursor);
    append(" line\no7\n");
    expect(await follower.poll()).toEqual(["partial line", "o7"]);
    append("o8\n");
    await rotateLogs(dir, limits);
    append("o9\n");
    expect(await follower.poll()).toEqual(["o8", "o9"]);
    // Two rotations between polls: both rotated files are read, the older one from where the reader stood.
    append("o10\n");
    await rotateLogs(dir, limits);
    append("o11\n");
    await rotateLogs(dir, limits);
    append("o12\n");
    expect(await follower.poll()).toEqual(["o10", "o11", "o12"]);
    expect(await follower.poll()).toEqual([]);
  });

  it("waits for a rotation in progress instead of rereading the emptied file", async () => {
    const { cursor } = await readStreamTail(dir, "stdout");
    const follower = new LogFollower(dir, "stdout", cursor);
    writeFileSync(join(dir, "stdout.log"), ""); // truncated, no new `.1` yet
    expect(await follower.poll()).toEqual([]);
    append("o7\n");
    expect(await follower.poll()).toEqual([]);
  });
});

describe("following a running instance across rotations", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner({ logCheckIntervalMs: 100 }), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("shows every line in order while the files rotate", { timeout: 20_000 }, async () => {
    const spec = h.spec(steadyWriter, { logs: { maxBytes: 32 * 1024, maxFiles: 3 } });
    await h.start(spec);
    await h.waitForLog(spec, "line 20 ");
    const first = await readStreamTail(spec.logDir, "stdout");
    const follower = new LogFollower(spec.logDir, "stdout", first.cursor);
    const lines = [...first.lines];
    for (const deadline = Date.now() + 2500; Date.now() < deadline; await sleep(150))
      lines.push(...(await follower.poll()));
    const numbers = lines.map(lineNumber);
    const last = numbers.at(-1) ?? 0;
    // Far more than one file's worth went by, so rotations happened while following.
    expect(last * 110).toBeGreaterThan(4 * 32 * 1024);
    expect(numbers[0]).toBe(1);
    expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
    // Copy-truncate may lose what is written in the instant between copying and truncating; no more.
    expect(numbers.length).toBeGreaterThan(last * 0.98);
  });
});
