import type {
  EngineLogLine,
  ImagePush,
  OrchestratedService,
  OrchestratedTask,
  Orchestrator,
  RolloutOutcome,
  RolloutProgress,
  ServiceRelease,
} from "./orchestrator.js";
import type { ExecResult, InstanceRequest } from "./target.js";

/** An orchestrator whose driver loads on first use: an agent with no swarm project never loads it. */
export class LazyOrchestrator implements Orchestrator {
  private loaded: Promise<Orchestrator> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<Orchestrator>,
  ) {}

  private driver(): Promise<Orchestrator> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async preflight(): Promise<void> {
    return (await this.driver()).preflight();
  }

  async apply(request: ServiceRelease): Promise<void> {
    return (await this.driver()).apply(request);
  }

  async watch(
    project: string,
    service: string,
    release: string,
    onProgress: (progress: RolloutProgress) => void,
    timeoutMs: number,
  ): Promise<RolloutOutcome> {
    return (await this.driver()).watch(project, service, release, onProgress, timeoutMs);
  }

  async runJob(request: InstanceRequest, timeoutMs: number, push?: ImagePush): Promise<ExecResult> {
    return (await this.driver()).runJob(request, timeoutMs, push);
  }

  async tasks(project: string): Promise<readonly OrchestratedTask[]> {
    return (await this.driver()).tasks(project);
  }

  async services(project: string): Promise<readonly OrchestratedService[]> {
    return (await this.driver()).services(project);
  }

  async logs(project: string, service: string, lines: number): Promise<string> {
    return (await this.driver()).logs(project, service, lines);
  }

  async followLogs(
    project: string,
    service: string,
    tail: number,
    onLine: (line: EngineLogLine) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return (await this.driver()).followLogs(project, service, tail, onLine, signal);
  }

  async remove(
    project: string,
    options?: { readonly service?: string; readonly purge?: boolean },
  ): Promise<number> {
    return (await this.driver()).remove(project, options);
  }
}
