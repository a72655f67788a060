import type {
  ExecResult,
  InstanceHandle,
  InstanceRequest,
  InstanceState,
  KnownInstances,
  Orphan,
  Target,
  TargetCapabilities,
} from "./target.js";

/**
 * A target whose driver module loads on first use: the agent of a machine that runs no container
 * never loads the Docker client.
 */
export class LazyTarget implements Target {
  private loaded: Promise<Target> | undefined;

  constructor(
    readonly name: string,
    readonly capabilities: TargetCapabilities,
    private readonly load: () => Promise<Target>,
  ) {}

  private target(): Promise<Target> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async start(request: InstanceRequest): Promise<InstanceHandle> {
    return (await this.target()).start(request);
  }

  async stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState> {
    return (await this.target()).stop(handle, signal, gracePeriodMs);
  }

  async inspect(handle: InstanceHandle): Promise<InstanceState> {
    return (await this.target()).inspect(handle);
  }

  async waitForExit(handle: InstanceHandle): Promise<InstanceState> {
    return (await this.target()).waitForExit(handle);
  }

  async exec(request: InstanceRequest, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    return (await this.target()).exec(request, argv, timeoutMs);
  }

  async runJob(request: InstanceRequest, timeoutMs: number): Promise<ExecResult> {
    return (await this.target()).runJob(request, timeoutMs);
  }

  async adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]> {
    return (await this.target()).adopt(handles);
  }

  async lastOutput(instance: Pick<InstanceRequest, "project" | "id">, lines?: number): Promise<string> {
    return (await this.target()).lastOutput(instance, lines);
  }

  async orphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    return (await (await this.target()).orphans?.(project, known)) ?? [];
  }

  async removeOrphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    return (await (await this.target()).removeOrphans?.(project, known)) ?? [];
  }
}
