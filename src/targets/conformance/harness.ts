import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadManifest } from "../../manifest/load.js";
import { slipwayPaths } from "../../state/paths.js";
import type { TargetContext } from "../registry.js";
import type { InstanceHandle, InstanceRequest, Target } from "../target.js";

/** Commands a driver's test provides; each must run wherever that driver runs instances. */
export interface ConformanceFixtures {
  /** Sleeps `seconds`, then exits 0. */
  sleepCommand(seconds: number): string[];
  /** Prints the value of `varName`, or an empty line when it is unset, then exits 0. */
  echoEnvCommand(varName: string): string[];
  /** Prints "ready" once it handles SIGTERM; on SIGTERM prints "bye" and exits 0. */
  trapTermCommand(): string[];
  /** Prints "ready" once it ignores SIGTERM, then runs until killed. */
  ignoreTermCommand(): string[];
  /** Prints `stdout` to stdout and `stderr` to stderr, then exits with `exitCode`. */
  outputCommand(stdout: string, stderr: string, exitCode: number): string[];
  /** Files written into each test's build context (e.g. the Dockerfile an image target builds). Default none. */
  readonly contextFiles?: Readonly<Record<string, string>>;
  /** Base environment of every test instance. Default `{ PATH: "/usr/local/bin:/usr/bin:/bin" }`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Makes the target under test; called again for "a restarted agent" with the same context. */
export type MakeTarget = (context: TargetContext) => Target | Promise<Target>;

/** One test's temp directory (with the agent home of its target), the instances it started, and their cleanup. */
export class ConformanceHarness {
  private readonly started: { readonly target: Target; readonly handle: InstanceHandle }[] = [];

  private constructor(
    readonly target: Target,
    readonly context: TargetContext,
    readonly dir: string,
  ) {}

  static async create(
    makeTarget: MakeTarget,
    contextFiles: ConformanceFixtures["contextFiles"] = {},
  ): Promise<ConformanceHarness> {
    const dir = await mkdtemp(join(tmpdir(), "slipway-conformance-"));
    for (const [name, content] of Object.entries(contextFiles)) await writeFile(join(dir, name), content);
    const context: TargetContext = { paths: slipwayPaths(join(dir, "home")), onWarning: () => {} };
    return new ConformanceHarness(await makeTarget(context), context, dir);
  }

  /**
   * A request for one instance of a service that runs `command` (built from this test's directory),
   * with `environment` as its Compose environment; the spec goes through the real manifest loader.
   */
  async request(
    command: readonly string[],
    options: { environment?: Record<string, string>; kind?: InstanceRequest["kind"] } = {},
  ): Promise<InstanceRequest> {
    const file = join(this.dir, `compose-${randomUUID().slice(0, 8)}.json`);
    // `$` is Compose interpolation: written as `$$`, the command reaches the instance as given.
    const literal = command.map((arg) => arg.replaceAll("$", "$$$$"));
    const service = {
      build: ".",
      command: literal,
      environment: options.environment ?? {},
      stop_grace_period: "2s",
    };
    await writeFile(file, JSON.stringify({ name: "conformance", services: { svc: service } }));
    const { spec, problems } = loadManifest({ files: [file], env: {} });
    if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
    return {
      id: `conformance.svc.${randomUUID().slice(0, 8)}`,
      project: "conformance",
      service: "svc",
      release: "r1",
      index: 0,
      kind: options.kind ?? "service",
      spec: spec.services.svc!,
      artifact: { hash: "conformance", appDir: this.dir },
      projectDirectory: this.dir,
      port: 0,
    };
  }

  /** Starts `request` and remembers the instance so `cleanup` stops it even if the test fails. */
  async start(request: InstanceRequest, target = this.target): Promise<InstanceHandle> {
    const handle = await target.start(request);
    this.started.push({ target, handle });
    return handle;
  }

  /** Waits until the instance's output contains `text`. */
  async waitForOutput(request: InstanceRequest, text: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.target.lastOutput(request, 200)).includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear in the output of ${request.id}`);
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
