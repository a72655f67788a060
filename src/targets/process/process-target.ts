import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { grantTraverse } from "../../host/traverse.js";
import { resolveUser } from "../../host/users.js";
import { deliverSecrets, handOver } from "../../secrets/deliver.js";
import { type SecretStore, secretStoreIn } from "../../secrets/store.js";
import type { SlipwayPaths } from "../../state/paths.js";
import { deliverConfigs } from "../config-delivery.js";
import type {
  ExecResult,
  InstanceHandle,
  InstanceRequest,
  InstanceState,
  Target,
  TargetCapabilities,
} from "../target.js";
import { configDir, launchFor } from "./instance-spec.js";
import { ProcessRunner, type ProcessRunnerOptions } from "./process-runner.js";

export interface ProcessTargetOptions extends ProcessRunnerOptions {
  /** The agent's home: volumes, run directories, logs and hosts files live there. */
  readonly paths: SlipwayPaths;
}

/**
 * The embedded default target: every instance a native process on this machine (PostgreSQL and
 * Redis from the machine's own binaries, built services from their artifact directory), with
 * slipway's deployer and router shifting traffic.
 */
export class ProcessTarget implements Target {
  readonly name = "process";
  readonly capabilities: TargetCapabilities;
  private readonly runner: ProcessRunner;
  private readonly secrets: SecretStore;
  private readonly secretDirs = new Map<string, string>();

  constructor(private readonly options: ProcessTargetOptions) {
    this.runner = new ProcessRunner(options);
    this.secrets = secretStoreIn(options.paths.home);
    this.capabilities = this.runner.capabilities;
  }

  async start(request: InstanceRequest): Promise<InstanceHandle> {
    const launch = await this.launch(request);
    // One-time preparation of the native program (initdb on an empty data directory).
    await launch.plan.prepare?.();
    return this.runner.start(launch.spec);
  }

  async stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState> {
    const state = await this.runner.stop(handle, signal, gracePeriodMs);
    this.removeSecretFiles(handle.id);
    return state;
  }

  /** Delivered secret files live as long as their instance (those of instances started by this agent). */
  private removeSecretFiles(id: string): void {
    const dir = this.secretDirs.get(id);
    if (dir) rmSync(dir, { recursive: true, force: true });
    this.secretDirs.delete(id);
  }

  inspect(handle: InstanceHandle): Promise<InstanceState> {
    return this.runner.inspect(handle);
  }

  waitForExit(handle: InstanceHandle): Promise<InstanceState> {
    return this.runner.waitForExit(handle);
  }

  async exec(request: InstanceRequest, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const { spec, plan } = await this.launch(request, false);
    const command = plan.adaptProbe ? plan.adaptProbe(argv) : argv;
    return this.runner.exec({ ...spec, env: { ...spec.env, ...plan.probeEnv } }, command, timeoutMs);
  }

  async runJob(request: InstanceRequest, timeoutMs: number): Promise<ExecResult> {
    const launch = await this.launch(request);
    try {
      await launch.plan.prepare?.();
      return await this.runner.runJob(launch.spec, timeoutMs);
    } finally {
      this.removeSecretFiles(request.id);
    }
  }

  /**
   * The launch with the instance's secrets resolved: references into its environment, `secrets:`
   * grants into files under its run directory, owned by the user it runs as.
   */
  private async launch(request: InstanceRequest, writeFiles = true): Promise<ReturnType<typeof launchFor>> {
    const dir = join(this.options.paths.run(request.project, request.service), "secrets", request.id);
    const delivered = await deliverSecrets(this.secrets, request.project, request.spec, dir, writeFiles);
    if (writeFiles && delivered.files.length > 0) this.secretDirs.set(request.id, dir);
    // Config files are written when the instance starts; a probe only needs their paths.
    if (writeFiles) deliverConfigs(configDir(this.options.paths, request), request.configs ?? []);
    const launch = launchFor(this.options.paths, { ...request, spec: delivered.spec });
    this.letReachOwnDirs(launch);
    const owner =
      launch.spec.user !== undefined && process.getuid?.() === 0 ? resolveUser(launch.spec.user) : undefined;
    if (owner && writeFiles && delivered.files.length > 0) {
      handOver(delivered, dir, owner);
      grantTraverse(this.options.paths.home, dir);
    }
    return launch;
  }

  /**
   * The home is private (0700); an instance that runs as another user gets passage (o+x, no listing)
   * through the directories above its own — data, run, logs, app — whose modes stay as they are
   * (PostgreSQL refuses a data directory others may enter).
   */
  private letReachOwnDirs(launch: ReturnType<typeof launchFor>): void {
    if (launch.spec.user === undefined || process.getuid?.() !== 0) return;
    const { home } = this.options.paths;
    for (const dir of [launch.spec.cwd, launch.spec.logDir, ...launch.ownDirs]) grantTraverse(home, dir);
    grantTraverse(home, join(launch.runDir, "x"));
  }

  adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]> {
    return this.runner.adopt(handles);
  }

  async lastOutput(instance: Pick<InstanceRequest, "project" | "id">, lines = 12): Promise<string> {
    const dir = this.options.paths.logs(instance.project, instance.id);
    const read = (name: string) => {
      const file = join(dir, name);
      return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-lines) : [];
    };
    return [...read("stderr.log"), ...read("stdout.log")].slice(-lines).join("\n");
  }
}
