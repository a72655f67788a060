import { chmodSync, existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type DeployOutcome, deployApp, planFor } from "../deploy/deploy.js";
import type { DeployEvent } from "../deploy/events.js";
import { retireInstance } from "../deploy/instances.js";
import { runServiceJob } from "../deploy/jobs.js";
import { resumeProject } from "../deploy/recover.js";
import { restartServices } from "../deploy/restart.js";
import type { DeployRuntime } from "../deploy/runtime.js";
import { SlipwayError } from "../errors.js";
import type { AppSpec } from "../manifest/model.js";
import type { Plan } from "../plan/model.js";
import { chooseRollbackTarget } from "../release/rollback-target.js";
import { RouterControl } from "../router/control/router-control.js";
import { openState, type Release, type StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { TargetsByRelease } from "../targets/by-release.js";
import { preflightTarget } from "../targets/registry.js";
import type { ExecResult } from "../targets/target.js";
import type { PsResult } from "./api.js";
import { AgentBackups } from "./backups/backups.js";
import { agentIdentities } from "./backups/identities.js";
import { backUpBeforeMigration, restorePreMigrationBackups } from "./backups/pre-migrate.js";
import { type RestoreRequest, restoreServiceBackup } from "./backups/restore.js";
import { scheduledWork } from "./backups/scheduled-work.js";
import { BackupSchedules } from "./backups/schedules.js";
import { serviceControl } from "./backups/service-control.js";
import { livingAgentPid, SLIPWAY_BIN } from "./client.js";
import { ProjectSpecs } from "./project-specs.js";
import { Scheduler } from "./scheduler.js";
import { projectStatus } from "./status.js";
import { Supervisor } from "./supervisor.js";

/**
 * The control plane: owns state, the target, the proxy, the supervisor and the scheduler; runs one
 * deploy per project at a time; re-adopts running instances when it starts again.
 */
export class Agent {
  readonly store: StateStore;
  readonly specs: ProjectSpecs;
  readonly traffic: RouterControl;
  private readonly supervisor: Supervisor;
  private readonly scheduler: Scheduler;
  readonly backups: AgentBackups;
  private readonly backupSchedules: BackupSchedules;
  private readonly deploying = new Set<string>();
  private revival: NodeJS.Timeout | undefined;
  private emitters = new Map<string, (event: DeployEvent) => void>();
  readonly runtime: DeployRuntime;

  constructor(readonly paths: SlipwayPaths) {
    this.store = openState(paths.stateDb);
    this.specs = new ProjectSpecs(this.store, paths);
    this.traffic = new RouterControl({
      paths,
      store: this.store,
      projects: () => this.specs.routable(),
      commands: {
        router: [process.execPath, SLIPWAY_BIN, "router"],
        proxy: [process.execPath, SLIPWAY_BIN, "proxy"],
      },
    });
    // Each release runs on the target its spec names; `deploy` refuses one whose target has no driver.
    const targetOf = (project: string, release: string) =>
      (this.specs.release(project, release)?.spec ?? this.specs.spec(project))?.["x-slipway"].target;
    const target = new TargetsByRelease(
      {
        paths,
        onWarning: (id, message) => {
          const project = id.split(".")[0] ?? "";
          this.store.addEvent({
            project,
            kind: "target.warning",
            level: "warning",
            message: `${id}: ${message}`,
          });
        },
      },
      targetOf,
    );
    this.runtime = {
      paths,
      store: this.store,
      target,
      publish: (project) => this.publish(project),
      traffic: this.traffic,
      waitDrained: (id, ms) => this.traffic.waitDrained(id, ms),
      revertSpec: (project) => this.specs.settle(project),
      emit: (event) => {
        for (const emit of this.emitters.values()) emit(event);
      },
      backUpBeforeMigration: async (app, release) => {
        await backUpBeforeMigration(this.backups, this.store, app, release, (message) =>
          this.runtime.emit({ type: "log", level: "info", message }),
        );
      },
    };
    this.supervisor = new Supervisor(this.runtime, this.specs);
    this.scheduler = new Scheduler(this.runtime, this.specs);
    // Scheduled verifications of encrypted backups use the identity file the agent was started with.
    this.backups = new AgentBackups(this.runtime, this.specs, agentIdentities);
    this.backupSchedules = new BackupSchedules(scheduledWork(this.backups, this.store));
  }

  /** Re-reads a project's job and backup schedules from its active release. */
  private syncSchedules(project: string): void {
    this.scheduler.sync(project);
    const active = this.store.activeRelease(project);
    const app =
      active && !this.specs.isDown(project) ? this.specs.release(project, active.id)?.spec : undefined;
    this.backupSchedules.sync(project, app);
  }

  /** `backup restore`: one at a time with deploys of the project (it may stop and start the service). */
  restoreBackup(project: string, id: string, request: RestoreRequest) {
    return this.exclusive(project, () =>
      restoreServiceBackup(this.backups, serviceControl(this.runtime, this.specs), project, id, request),
    );
  }

  /** Start-up: adopt what still runs, finish interrupted deploys by returning to the active release, serve routes. */
  async start(): Promise<void> {
    // One agent per state directory: a second one would adopt, restart and recover the same instances.
    const other = livingAgentPid(this.paths);
    if (other !== undefined && other !== process.pid) {
      throw new SlipwayError({
        code: "E_AGENT_RUNNING",
        message: `agent ${other} already runs for ${this.paths.home}`,
        hint: "it answers once it has started; stop it with `slipway agent stop`",
      });
    }
    writeFileSync(this.paths.pidFile, String(process.pid));
    // Services may run as other users (PostgreSQL as `postgres`): they must be able to traverse the home.
    chmodSync(this.paths.home, (statSync(this.paths.home).mode & 0o777) | 0o111);
    await this.traffic.proxy.ensureRunning();
    for (const project of this.specs.projects()) {
      const active = this.store.activeRelease(project);
      const content = active && this.specs.release(project, active.id);
      await resumeProject(
        this.runtime,
        project,
        active && content ? { id: active.id, content } : undefined,
        Object.keys(this.specs.spec(project)?.services ?? {}),
      );
      await this.publish(project);
      this.syncSchedules(project);
    }
    this.supervisor.start();
    this.revival = setInterval(
      () => void this.traffic.revive().catch((error: Error) => this.reportTrafficError(error)),
      2000,
    );
  }

  private reportTrafficError(error: Error): void {
    for (const project of this.specs.projects())
      this.store.addEvent({ project, kind: "traffic.error", level: "error", message: error.message });
  }

  async stop(): Promise<void> {
    clearInterval(this.revival);
    this.supervisor.stop();
    this.scheduler.stopAll();
    this.backupSchedules.stopAll();
    this.store.close();
    if (existsSync(this.paths.pidFile)) rmSync(this.paths.pidFile, { force: true });
  }

  /** Routes of every project, from the instances in state, to the proxy and the router. */
  async publish(_changed?: string): Promise<void> {
    await this.traffic.publish();
  }

  private async exclusive<T>(project: string, run: () => Promise<T>): Promise<T> {
    if (this.deploying.has(project)) {
      const running = this.store.runningDeploy(project);
      throw new SlipwayError({
        code: "E_DEPLOY_IN_PROGRESS",
        message: `a deploy of ${project}${running ? ` (${running.releaseId}, started ${new Date(running.startedAt).toISOString()})` : ""} is in progress`,
        hint: "wait for it to finish (`slipway ps`), then try again",
      });
    }
    this.deploying.add(project);
    try {
      return await run();
    } finally {
      this.deploying.delete(project);
    }
  }

  /** Deploys a spec (or, with `releaseId`, an earlier release without rebuilding); events go to `emit`. */
  deploy(
    spec: AppSpec | undefined,
    emit: (event: DeployEvent) => void,
    rollback?: { project: string; releaseId?: string; restoreData?: RestoreRequest },
  ): Promise<DeployOutcome> {
    const project = spec?.name ?? rollback!.project;
    return this.exclusive(project, async () => {
      const key = `${project}:${Date.now()}`;
      this.emitters.set(key, emit);
      try {
        let target: Release | undefined;
        if (rollback) {
          target = chooseRollbackTarget(
            project,
            this.store.listReleases(project),
            this.store.listDeploys(project, 100),
            rollback.releaseId,
          );
          spec = this.specs.release(project, target.id)!.spec;
          if (rollback.restoreData)
            await restorePreMigrationBackups(
              this.backups,
              serviceControl(this.runtime, this.specs),
              this.store,
              project,
              target.number,
              rollback.restoreData,
              (message) => emit({ type: "log", level: "info", message }),
            );
        }
        await preflightTarget(spec!["x-slipway"].target);
        this.specs.adopt(spec!);
        const outcome = await deployApp(this.runtime, spec!, target);
        return outcome;
      } finally {
        this.specs.settle(project);
        this.emitters.delete(key);
        await this.publish(project);
        this.syncSchedules(project);
      }
    });
  }

  /** What deploying `spec` would do now (`slipway plan`); changes nothing. */
  async plan(spec: AppSpec): Promise<Plan> {
    return (await planFor(this.runtime, spec)).plan;
  }

  ps(project: string): PsResult {
    return projectStatus(this.store, this.specs, project);
  }

  /** The active release of a project with its frozen content, or E_PROJECT_NOT_DEPLOYED. */
  private activeContent(project: string) {
    const active = this.store.activeRelease(project);
    const content = active && this.specs.release(project, active.id);
    if (!active || !content)
      throw new SlipwayError({
        code: "E_PROJECT_NOT_DEPLOYED",
        message: `${project} has no active release`,
        hint: "run `slipway deploy` first",
      });
    return { id: active.id, content };
  }

  /** Restarts a service's instances (or all) one by one: each is replaced by a fresh process of the same release. */
  async restart(project: string, service?: string): Promise<void> {
    await this.exclusive(project, () =>
      restartServices(this.runtime, project, this.activeContent(project), service),
    );
  }

  /** Stops every instance of a project (gracefully) and its schedules; data and releases stay. */
  async down(project: string): Promise<number> {
    return this.exclusive(project, async () => {
      const spec = this.specs.spec(project);
      const instances = this.store.listInstances(project);
      await Promise.all(
        instances.map((instance) => {
          return retireInstance(this.runtime, instance, spec?.services[instance.service]);
        }),
      );
      this.store.addEvent({
        project,
        kind: "project.down",
        level: "info",
        message: `stopped ${instances.length} instances`,
      });
      const active = this.store.activeRelease(project);
      if (active) this.store.setMeta(`down:${project}`, active.id);
      this.syncSchedules(project);
      await this.publish(project);
      return instances.length;
    });
  }

  /** `slipway run SERVICE -- CMD`: a one-off command with the service's environment, from the active release. */
  async run(project: string, service: string, command: readonly string[]): Promise<ExecResult> {
    const { id, content } = this.activeContent(project);
    if (!content.spec.services[service])
      throw new SlipwayError({
        code: "E_SERVICE_NOT_FOUND",
        message: `${project} has no service ${service}`,
        hint: `services: ${Object.keys(content.spec.services).join(", ")}`,
      });
    return runServiceJob(this.runtime, content.spec, service, content.artifacts[service]!, id, "run", {
      command: command.length > 0 ? command : undefined,
    });
  }
}
