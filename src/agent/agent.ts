import { existsSync, rmSync, writeFileSync } from "node:fs";
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
import type { RouterControl } from "../router/control/router-control.js";
import type { SecretRedactor } from "../secrets/redactor.js";
import type { Release, StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { ensurePrivateHome } from "../state/private-files.js";
import { preflightTarget } from "../targets/registry.js";
import type { ExecResult } from "../targets/target.js";
import { openAgentState } from "./agent-state.js";
import { agentTraffic, type LoopbackAddress } from "./agent-traffic.js";
import type { AgentBackups } from "./backups/backups.js";
import { agentIdentities } from "./backups/identities.js";
import type { RestoreRequest } from "./backups/restore.js";
import { scheduledWork } from "./backups/scheduled-work.js";
import { BackupSchedules } from "./backups/schedules.js";
import { serviceControl } from "./backups/service-control.js";
import { DeployFeed } from "./deploy-feed.js";
import { lockHome } from "./home-lock.js";
import { type AgentObserver, agentObserver } from "./observer.js";
import { ProjectLocks } from "./project-locks.js";
import { ProjectSpecs } from "./project-specs.js";
import { Scheduler } from "./scheduler.js";
import { Supervisor } from "./supervisor.js";
import { agentOrchestrator, agentTarget } from "./target.js";

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
  /** Backups load on first use: an agent whose projects have none never loads zod, tar, age or S3. */
  private backupsLoaded: Promise<AgentBackups> | undefined;
  private readonly backupSchedules: BackupSchedules;
  readonly locks: ProjectLocks;
  readonly observer: AgentObserver;
  private revival: NodeJS.Timeout | undefined;
  private unlockHome: () => void = () => {};
  /** Live deploy events: to each deploy's caller, and to watchers (the dashboard). */
  readonly feed = new DeployFeed();
  readonly runtime: DeployRuntime;
  readonly redactor: SecretRedactor;
  /** Where the dashboard takes the router's requests (set by DashboardHost while it serves). */
  dashboardEntrance: LoopbackAddress | undefined;

  constructor(readonly paths: SlipwayPaths) {
    // One agent per home, decided before the state is opened: of agents started at the same moment,
    // the others must not judge a state file the winner is still creating (empty) as lost.
    ensurePrivateHome(paths.home);
    const unlock = lockHome(paths.home);
    try {
      ({ store: this.store, redactor: this.redactor } = openAgentState(paths));
    } catch (error) {
      unlock();
      throw error;
    }
    this.unlockHome = unlock;
    this.locks = new ProjectLocks(this.store);
    this.specs = new ProjectSpecs(this.store, paths);
    this.traffic = agentTraffic(paths, this.store, this.specs, () => this.dashboardEntrance);
    const target = agentTarget(paths, this.store, this.specs);
    this.runtime = {
      paths,
      store: this.store,
      target,
      orchestrator: agentOrchestrator(paths),
      publish: (project) => this.publish(project),
      traffic: this.traffic,
      waitDrained: (id, ms) => this.traffic.waitDrained(id, ms),
      revertSpec: (project) => this.specs.settle(project),
      emit: (event) => this.feed.emit(event),
      backUpBeforeMigration: async (app, release) => {
        if (!Object.values(app.services).some((s) => s["x-slipway"].backups?.before_migrate)) return;
        const { backUpBeforeMigration } = await import("./backups/pre-migrate.js");
        await backUpBeforeMigration(await this.backups(), this.store, app, release, (message) =>
          this.runtime.emit({ type: "log", level: "info", message }),
        );
      },
    };
    this.supervisor = new Supervisor(this.runtime, this.specs);
    this.scheduler = new Scheduler(this.runtime, this.specs);
    this.backupSchedules = new BackupSchedules(scheduledWork(() => this.backups(), this.store));
    this.observer = agentObserver(this.runtime, this.specs, () => this.backups());
  }

  /** Re-reads a project's job and backup schedules from its active release. */
  private syncSchedules(project: string): void {
    this.scheduler.sync(project);
    const active = this.store.activeRelease(project);
    const app =
      active && !this.specs.isDown(project) ? this.specs.release(project, active.id)?.spec : undefined;
    this.backupSchedules.sync(project, app);
    void this.observer.sync();
  }

  /** The backups of every project; scheduled verifications of encrypted backups use the agent's identity file. */
  backups(): Promise<AgentBackups> {
    this.backupsLoaded ??= import("./backups/backups.js").then(
      ({ AgentBackups }) => new AgentBackups(this.runtime, this.specs, agentIdentities),
    );
    return this.backupsLoaded;
  }

  /** `backup restore`: one at a time with deploys of the project (it may stop and start the service). */
  restoreBackup(project: string, id: string, request: RestoreRequest) {
    return this.locks.exclusive(project, () =>
      import("./backups/restore.js").then(async ({ restoreServiceBackup }) =>
        restoreServiceBackup(
          await this.backups(),
          serviceControl(this.runtime, this.specs),
          project,
          id,
          request,
        ),
      ),
    );
  }

  /** Start-up: adopt what still runs, finish interrupted deploys by returning to the active release, serve routes. */
  async start(): Promise<void> {
    // The home lock (taken in the constructor) is atomic; the PID file is for clients.
    writeFileSync(this.paths.pidFile, String(process.pid), { mode: 0o600 });
    this.store.backupTo(this.paths.stateBackup);
    await this.redactor.refresh();
    // The proxy starts only with a project that has something to serve.
    if (this.specs.routable().length > 0) await this.traffic.proxy.ensureRunning();
    for (const project of this.specs.projects()) {
      const active = this.store.activeRelease(project);
      const content = active && this.specs.release(project, active.id);
      await resumeProject(
        this.runtime,
        project,
        active && content ? { id: active.id, content } : undefined,
        Object.keys(this.specs.spec(project)?.services ?? {}),
      );
      // An address held by another process must not keep the agent from starting: it is reported.
      await this.publish(project).catch((error: Error) => this.reportTrafficError(error));
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
    await this.observer.stop();
    await this.traffic.stopIfUnused().catch((error: Error) => this.reportTrafficError(error));
    this.store.backupTo(this.paths.stateBackup);
    this.store.close();
    if (existsSync(this.paths.pidFile)) rmSync(this.paths.pidFile, { force: true });
    this.unlockHome();
  }

  /** Routes of every project, from the instances in state, to the proxy and the router. */
  async publish(_changed?: string): Promise<void> {
    await this.traffic.publish();
  }

  /** Deploys a spec (or, with `releaseId`, an earlier release without rebuilding); events go to `emit`. */
  deploy(
    spec: AppSpec | undefined,
    emit: (event: DeployEvent) => void,
    rollback?: { project: string; releaseId?: string; restoreData?: RestoreRequest },
  ): Promise<DeployOutcome> {
    const project = spec?.name ?? rollback!.project;
    return this.locks.exclusive(project, async () => {
      const detach = this.feed.attach(project, emit);
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
          if (rollback.restoreData) {
            const { restorePreMigrationBackups } = await import("./backups/pre-migrate.js");
            await restorePreMigrationBackups(
              await this.backups(),
              serviceControl(this.runtime, this.specs),
              this.store,
              project,
              target.number,
              rollback.restoreData,
              (message) => emit({ type: "log", level: "info", message }),
            );
          }
        }
        await preflightTarget(spec!["x-slipway"].target);
        this.specs.adopt(spec!);
        const outcome = await deployApp(this.runtime, spec!, target);
        return outcome;
      } finally {
        this.specs.settle(project);
        detach();
        await this.publish(project);
        this.syncSchedules(project);
      }
    });
  }

  /** What deploying `spec` would do now (`slipway plan`); changes nothing. */
  async plan(spec: AppSpec): Promise<Plan> {
    return (await planFor(this.runtime, spec)).plan;
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
    await this.locks.exclusive(project, () =>
      restartServices(this.runtime, project, this.activeContent(project), service),
    );
  }

  /** Stops every instance of a project (gracefully) and its schedules; data and releases stay. */
  async down(project: string, purge = false): Promise<number> {
    return this.locks.exclusive(project, async () => {
      const spec = this.specs.spec(project);
      // An orchestrator's services go first (its tasks are not instances slipway stops one by one).
      await (spec && this.runtime.orchestrator?.(spec))?.remove(project, { purge });
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
