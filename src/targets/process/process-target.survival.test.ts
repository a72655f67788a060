import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { processFixtures, sh } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

describe("ProcessRunner instances outlive the agent", () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner(), processFixtures);
  });
  afterEach(() => h.cleanup());

  it("keeps running and logging after the agent that started it is killed with SIGKILL", {
    timeout: 20_000,
  }, async () => {
    const spec = h.spec(sh("while :; do echo tick; sleep 0.05; done"));
    const handle = await h.startFromKilledAgent(spec);

    const restarted = new ProcessRunner();
    expect(await restarted.adopt([handle])).toEqual([handle]);
    const ticksAfterAgentDied = (await h.readLog(spec, "stdout")).length;
    await vi.waitFor(async () =>
      expect((await h.readLog(spec, "stdout")).length).toBeGreaterThan(ticksAfterAgentDied + 20),
    );
    expect(await restarted.stop(handle, "SIGTERM", 2000)).toEqual({
      state: "exited",
      exitCode: null,
      signal: null,
    });
  });
});
