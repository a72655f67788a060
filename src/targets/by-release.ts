import { createTarget, type TargetContext, type TargetName, targetOfHandle } from "./registry.js";
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

/** The target a release of a project asks for (`x-slipway.target`); for release "" (or one it does not know) the project's current manifest's, else undefined. */
export type TargetOfRelease = (project: string, release: string) => TargetName | undefined;

/**
 * The agent's one `Target` when projects run on different targets: a request goes to the target its
 * release names (so a deploy that switches target starts the new release on the new one), a handle
 * to the target that made it (so the old release's instances are stopped where they run). Each
 * target is made on first use.
 */
export class TargetsByRelease implements Target {
  readonly name = "by-release";
  readonly capabilities: TargetCapabilities = { nativeRollout: false, enforcesLimits: false };
  private readonly made = new Map<TargetName, Target>();

  constructor(
    private readonly context: TargetContext,
    private readonly targetOf: TargetOfRelease,
  ) {}

  private named(name: TargetName): Target {
    let target = this.made.get(name);
    if (!target) {
      target = createTarget(name, this.context);
      this.made.set(name, target);
    }
    return target;
  }

  private forRequest(request: Pick<InstanceRequest, "project" | "release">): Target {
    return this.named(this.targetOf(request.project, request.release) ?? "process");
  }

  private forHandle(handle: InstanceHandle): Target {
    return this.named(targetOfHandle(handle));
  }

  start(request: InstanceRequest): Promise<InstanceHandle> {
    return this.forRequest(request).start(request);
  }

  stop(handle: InstanceHandle, signal: NodeJS.Signals, gracePeriodMs: number): Promise<InstanceState> {
    return this.forHandle(handle).stop(handle, signal, gracePeriodMs);
  }

  inspect(handle: InstanceHandle): Promise<InstanceState> {
    return this.forHandle(handle).inspect(handle);
  }

  waitForExit(handle: InstanceHandle): Promise<InstanceState> {
    return this.forHandle(handle).waitForExit(handle);
  }

  exec(request: InstanceRequest, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
    return this.forRequest(request).exec(request, argv, timeoutMs);
  }

  runJob(request: InstanceRequest, timeoutMs: number): Promise<ExecResult> {
    return this.forRequest(request).runJob(request, timeoutMs);
  }

  async adopt(handles: readonly InstanceHandle[]): Promise<readonly InstanceHandle[]> {
    const groups = new Map<TargetName, InstanceHandle[]>();
    for (const handle of handles) {
      const name = targetOfHandle(handle);
      groups.set(name, [...(groups.get(name) ?? []), handle]);
    }
    const adopted = await Promise.all([...groups].map(([name, group]) => this.named(name).adopt(group)));
    return adopted.flat();
  }

  /** Only the instance's id is known here, not its release: each target made so far is asked in turn. */
  async lastOutput(instance: Pick<InstanceRequest, "project" | "id">, lines?: number): Promise<string> {
    for (const target of this.made.size > 0 ? this.made.values() : [this.named("process")]) {
      const output = await target.lastOutput(instance, lines);
      if (output) return output;
    }
    return "";
  }

  /** The target the project's current manifest names (the release is not known here). */
  private forProject(project: string): Target {
    return this.named(this.targetOf(project, "") ?? "process");
  }

  async orphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    return (await this.forProject(project).orphans?.(project, known)) ?? [];
  }

  async removeOrphans(project: string, known: KnownInstances): Promise<readonly Orphan[]> {
    return (await this.forProject(project).removeOrphans?.(project, known)) ?? [];
  }
}
