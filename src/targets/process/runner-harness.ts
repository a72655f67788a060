import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConformanceFixtures } from "../conformance/harness.js";
import type { InstanceHandle } from "../target.js";
import type { ProcessLaunchSpec } from "./launch-spec.js";
import type { ProcessRunner } from "./process-runner.js";

/** One process-runner test's temp directory, the argv instances it started, and their cleanup. */
export class RunnerHarness {
  private readonly started: { readonly target: ProcessRunner; readonly handle: InstanceHandle }[] = [];

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
    const stops = this.started.splice(0).map(({ target, handle }) => target.stop(handle, "SIGKILL", 0));
    const failed = (await Promise.allSettled(stops)).find((outcome) => outcome.status === "rejected");
    await rm(this.dir, { recursive: true, force: true });
    if (failed) throw failed.reason;
  }
}
