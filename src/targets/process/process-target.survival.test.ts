import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InstanceHandle } from "../target.js";
import { processFixtures, sh } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const targetModule = fileURLToPath(new URL("./process-runner.ts", import.meta.url));

/** A stand-in agent: starts the instance, prints its handle, then idles until killed. */
const agentScript = `
import { ProcessRunner } from ${JSON.stringify(targetModule)};
const handle = await new ProcessRunner().start(JSON.parse(process.argv[2]));
console.log(JSON.stringify(handle));
setInterval(() => {}, 60_000);
`;

describe("ProcessRunner instances outlive the agent", () => {
  let h: RunnerHarness;
  let agent: ChildProcess | undefined;
  let handle: InstanceHandle | undefined;
  beforeEach(async () => {
    h = await RunnerHarness.create(new ProcessRunner(), processFixtures);
  });
  afterEach(async () => {
    agent?.kill("SIGKILL"); // A no-op once Node saw it exit, so never a reused PID.
    if (handle !== undefined) await h.target.stop(handle, "SIGKILL", 0);
    agent = handle = undefined;
    await h.cleanup();
  });

  it("keeps running and logging after the agent that started it is killed with SIGKILL", {
    timeout: 20_000,
  }, async () => {
    const script = join(h.dir, "agent.mts");
    await writeFile(script, agentScript);
    const spec = h.spec(sh("while :; do echo tick; sleep 0.05; done"));
    const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(spec)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    agent = child;
    const [firstLine] = (await once(child.stdout, "data")) as [Buffer];
    handle = JSON.parse(firstLine.toString()) as InstanceHandle;

    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;

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
    handle = undefined;
  });
});
