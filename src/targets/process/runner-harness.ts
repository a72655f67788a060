import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ConformanceFixtures } from "../conformance/harness.js";
import type { InstanceHandle } from "../target.js";
import type { ProcessLaunchSpec } from "./launch-spec.js";
import type { ProcessRunner } from "./process-runner.js";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const RUNNER_MODULE = fileURLToPath(new URL("./process-runner.ts", import.meta.url));

/** A stand-in agent: starts the instance, prints its handle, then idles until killed. */
const AGENT_SCRIPT = `
import { ProcessRunner } from ${JSON.stringify(RUNNER_MODULE)};
const handle = await new ProcessRunner().start(JSON.parse(process.argv[2]));
console.log(JSON.stringify(handle));
setInterval(() => {}, 60_000);
`;

/** One process-runner test's temp directory, the argv instances it started, and their cleanup. */
export class RunnerHarness {
  private readonly started: { readonly target: ProcessRunner; readonly handle: InstanceHandle }[] = [];
  private readonly agents: ChildProcess[] = [];

  private constructor(
    readonly target: ProcessRunner,
    readonly dir: string,
    private readonly fixtures: ConformanceFixtures,
  ) {}

  static async create(target: ProcessRunner, fixtures: ConformanceFixtures): Promise<RunnerHarness> {
    return new RunnerHarness(target, await mkdtemp(join(tmpdir(), "slipway-conformance-")), fixtures);
  }

  /** A spec running `command` in this test's directory, logging to `<dir>/logs`. */
  spec(command: readonly string[], overrides: Partial<ProcessLaunchSpec> = {}): ProcessLaunchSpec {
    return {
      id: `conformance-${randomUUID().slice(0, 8)}`,
      project: "conformance",
      service: "svc",
      release: "r1",
      kind: "service",
      command,
      cwd: this.dir,
      env: this.fixtures.env ?? { PATH: "/usr/local/bin:/usr/bin:/bin" },
      stopSignal: "SIGTERM",
      stopGracePeriodMs: 2000,
      logDir: join(this.dir, "logs"),
      ...overrides,
    };
  }

  /** Starts `spec` and remembers the instance so `cleanup` stops it even if the test fails. */
  async start(spec: ProcessLaunchSpec, target = this.target): Promise<InstanceHandle> {
    const handle = await target.start(spec);
    this.started.push({ target, handle });
    return handle;
  }

  /**
   * Starts `spec` from a stand-in agent process, then kills that agent with SIGKILL: the instance
   * is left to outlive the agent that started it. `cleanup` stops both, also when the test fails.
   */
  async startFromKilledAgent(spec: ProcessLaunchSpec): Promise<InstanceHandle> {
    const script = join(this.dir, "agent.mts");
    await writeFile(script, AGENT_SCRIPT);
    const agent = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(spec)], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.agents.push(agent);
    const [firstLine] = (await once(agent.stdout!, "data")) as [Buffer];
    const handle = JSON.parse(firstLine.toString()) as InstanceHandle;
    this.started.push({ target: this.target, handle });
    const exited = once(agent, "exit");
    agent.kill("SIGKILL");
    await exited;
    return handle;
  }

  async readLog(spec: ProcessLaunchSpec, stream: "stdout" | "stderr"): Promise<string> {
    return readFile(join(spec.logDir, `${stream}.log`), "utf8").catch(() => "");
  }

  /** Waits until the instance's stdout log contains `text`. */
  async waitForLog(spec: ProcessLaunchSpec, text: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.readLog(spec, "stdout")).includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear in ${spec.logDir}/stdout.log`);
      await sleep(25);
    }
  }

  /** Stops every instance this test started (each one even if another fails), then removes the directory. */
  async cleanup(): Promise<void> {
    // A no-op for an agent Node saw exit, so never a reused PID.
    for (const agent of this.agents.splice(0)) agent.kill("SIGKILL");
    const stops = this.started.splice(0).map(({ target, handle }) => target.stop(handle, "SIGKILL", 0));
    const failed = (await Promise.allSettled(stops)).find((outcome) => outcome.status === "rejected");
    await rm(this.dir, { recursive: true, force: true });
    if (failed) throw failed.reason;
  }
}
