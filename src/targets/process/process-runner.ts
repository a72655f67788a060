import { setTimeout as sleep } from "node:timers/promises";
import { isSameLiveProcess } from "../../host/proc-stat.js";
import type { ExecResult, InstanceHandle, InstanceState, TargetCapabilities } from "../target.js";
import { detectCgroupLayout, instanceCgroupDirs } from "./cgroup-layout.js";
import { removeCgroupDirs } from "./cgroup-setup.js";
import { agentIsRoot, findHostTools } from "./host-tools.js";
import type { ProcessLaunchSpec } from "./launch-spec.js";
import { closeLogFiles, type LogFiles, openLogFiles } from "./log-files.js";
import { logLimitsOf } from "./log-rotation.js";
import { LogRotator } from "./log-rotator.js";
import { type LaunchContext, type PreparedLaunch, prepareLaunch } from "./prepare-launch.js";
import { groupGoneWithin, killInstanceGroup, signalInstance } from "./process-group.js";
import { runToCompletion } from "./run-to-completion.js";
import { spawnChild } from "./spawn-child.js";
import { spawnFailureReason, targetStartError } from "./start-error.js";
import { reportEachWarningOnce, type WarningListener } from "./warnings.js";

export interface ProcessRunnerOptions {
  /** Told when part of a spec is not honoured here (limits, user, hosts file). Default: ignored. */
  readonly onWarning?: WarningListener;
  /** Where the cgroup hierarchies are mounted. Default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /** How often instance log sizes are checked for rotation. Default 1 s. */
  readonly logCheckIntervalMs?: number;
}

/** Poll interval of `waitForExit` for processes another agent started. */
const WAIT_POLL_MS = 200;
/** How long `stop` waits for the kernel after SIGKILL before reporting what it sees. */
const KILL_WAIT_MS = 5000;

const handleKey = (handle: InstanceHandle) => `${handle.pid}:${handle.startTime}`;

/**
 * Runs argv launch specs as native processes, each in its own session, logging straight into
 * files. The process target's engine room: `ProcessTarget` turns a service into a launch spec.
 */
export class ProcessRunner {
  readonly capabilities: TargetCapabilities;
  private readonly context: LaunchContext;
  private readonly report: (instanceId: string, warnings: readonly string[]) => void;
  /** Exit states of the children this object spawned (known only to it). */
  private readonly exits = new Map<string, Promise<InstanceState>>();
  private readonly rotator: LogRotator;

  constructor(options: ProcessRunnerOptions = {}) {
    const layout = detectCgroupLayout(options.cgroupRoot);
    this.context = { layout, tools: findHostTools(), isRoot: agentIsRoot() };
    this.capabilities = { nativeRollout: false, enforcesLimits: layout.writable.size === 3 };
    this.report = reportEachWarningOnce(options.onWarning);
    this.rotator = new LogRotator(options.logCheckIntervalMs ?? 1000, (id, message) =>
      this.report(id, [message]),
    );
  }

  async start(spec: ProcessLaunchSpec): Promise<InstanceHandle> {
    const launch = this.prepare(spec, spec.command, "create");
    const logs = await this.openLogs(spec, spec.command, launch);
    try {
      const { env, cwd } = spec;
      const spawned = await spawnChild(launch.command, {
        env,
        cwd,
        stdio: ["ignore", logs.stdout, logs.stderr],
      });
      spawned.child.unref();
      const handle = { id: spec.id, pid: spawned.pid, startTime: spawned.startTime, startedAt: Date.now() };
      const exited = spawned.exited.then(
        ({ exitCode, signal }): InstanceState => ({ state: "exited", exitCode, signal }),
      );
      this.exits.set(handleKey(handle), exited);
      this.rotator.watch(spec.id, spec.logDir, logLimitsOf(spec), () => isSameLiveProcess(handle));
      void exited.then(() => removeCgroupDirs(launch.createdCgroupDirs, 1));
      return handle;
    } catch (error) {
      await removeCgroupDirs(launch.createdCgroupDirs);
      throw targetStartError(spec.command, spawnFailureReason(error, launch.command.file), error);
    } finally {
      closeLogFiles(logs);
    }
  }

  async inspect(handle: InstanceHandle): Promise<InstanceState> {
    if (isSameLiveProcess(handle)) return { state: "running" };
    // A child of ours that is gone (or a zombie) is about to report its exit; wait for the details.
    return (await this.exits.get(handleKey(handle))) ?? { state: "exited", exitCode: null, signal: null };
  }

  async waitForExit(handle: InstanceHandle): Promise<InstanceState> {
    const own = this.exits.get(handleKey(handle));
    if (own) return own;
    for (;;) {
      const state = await this.inspect(handle);
      if (state.state === "exited") return state;
      await sleep(WAIT_POLL_MS);
    }
  }

  async stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState> {
    const signalled = signalInstance(handle, signal);
    if (!signalled || !(await groupGoneWithin(handle, gracePeriodMs))) {
      // Also sweeps what an instance whose main process already exited left running in its group.
      killInstanceGroup(handle);
      await groupGoneWithin(handle, KILL_WAIT_MS);
    }
    await removeCgroupDirs(instanceCgroupDirs(this.context.layout, handle.id));
    return this.inspect(handle);
  }

  async exec(spec: ProcessLaunchSpec, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const launch = this.prepareToRun(spec, argv, "join");
    if ("result" in launch) return launch.result;
    return runToCompletion(launch.command, spec, timeoutMs);
  }

  async runJob(spec: ProcessLaunchSpec, timeoutMs: number): Promise<ExecResult> {
    const launch = this.prepareToRun(spec, spec.command, "create");
    if ("result" in launch) return launch.result;
    const logs = await this.openLogs(spec, spec.command, launch);
    let running = true;
    this.rotator.watch(spec.id, spec.logDir, logLimitsOf(spec), () => running);
    try {
      return await runToCompletion(launch.command, spec, timeoutMs, logs);
    } finally {
      running = false;
      closeLogFiles(logs);
      await removeCgroupDirs(launch.createdCgroupDirs);
    }
  }

  /** Also resumes rotating the adopted instances' logs, by the limits recorded when they started. */
  async adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]> {
    const alive = handles.filter(isSameLiveProcess);
    for (const handle of alive) this.rotator.adopt(handle);
    return alive;
  }

  /** Resolves the launch or throws E_TARGET_START; reports warnings. */
  private prepare(
    spec: ProcessLaunchSpec,
    argv: readonly string[],
    cgroups: "create" | "join",
  ): PreparedLaunch {
    const launch = prepareLaunch(spec, argv, this.context, cgroups);
    if ("reason" in launch) throw targetStartError(argv, launch.reason);
    this.report(spec.id, launch.warnings);
    return launch;
  }

  /** Like `prepare`, but a missing or non-executable command becomes a result with a shell's exit code. */
  private prepareToRun(spec: ProcessLaunchSpec, argv: readonly string[], cgroups: "create" | "join") {
    const launch = prepareLaunch(spec, argv, this.context, cgroups);
    if (!("reason" in launch)) {
      this.report(spec.id, launch.warnings);
      return launch;
    }
    if (launch.exitCode === undefined) throw targetStartError(argv, launch.reason);
    const output = `${launch.reason}\n`;
    return {
      result: { exitCode: launch.exitCode, signal: null, timedOut: false, output } satisfies ExecResult,
    };
  }

  private async openLogs(
    spec: ProcessLaunchSpec,
    argv: readonly string[],
    launch: PreparedLaunch,
  ): Promise<LogFiles> {
    try {
      return openLogFiles(spec.logDir, launch.identity);
    } catch (error) {
      await removeCgroupDirs(launch.createdCgroupDirs);
      throw targetStartError(argv, `cannot open its log files: ${(error as Error).message}`, error);
    }
  }
}
