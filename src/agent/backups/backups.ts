import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  BackupError,
  type BackupManifest,
  listBackups,
  pruneBackups,
  runBackup,
  type VerifyResult,
  verifyBackup,
} from "../../backup/index.js";
import type { DeployRuntime } from "../../deploy/runtime.js";
import { SlipwayError } from "../../errors.js";
import type { AppSpec } from "../../manifest/model.js";
import type { ProjectSpecs } from "../project-specs.js";
import { type BackupListing, type FoundBackup, findBackup, listProjectBackups } from "./catalog.js";
import { backedUpServices, backupSettings, backupSource, engineFor } from "./source.js";
import { backupStore } from "./stores.js";
import { type BackupRow, backupRow, type PrunePlanView, prunePlanView } from "./views.js";
import { withServiceSecrets } from "./with-secrets.js";

/** Why a backup was taken; recorded in its event. */
export type BackupReason = "manual" | "schedule" | "pre-migrate";

/**
 * The agent's backups: builds each service's engine and store from its deployed spec, runs backups,
 * verifications, restores and retention one at a time per service, and records each outcome as an
 * event (a failure is an event of level error: the alert). Methods ending in `Now` expect the caller
 * to hold the service's turn (`exclusive`).
 */
export class AgentBackups {
  /** The last queued operation of each busy `project/service`. */
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly rt: DeployRuntime,
    private readonly specs: ProjectSpecs,
    /** Identities for scheduled verifications of encrypted backups (from $SLIPWAY_BACKUP_IDENTITY). */
    private readonly agentIdentities: () => readonly string[] = () => [],
  ) {}

  /** The spec the project runs (or is converging to); `E_PROJECT_NOT_DEPLOYED` when none. */
  app(project: string): AppSpec {
    const app = this.specs.spec(project);
    if (!app) {
      throw new SlipwayError({
        code: "E_PROJECT_NOT_DEPLOYED",
        message: `${project} has no active release`,
        hint: "run `slipway deploy` first",
      });
    }
    return app;
  }

  /** Engine, store and settings of one service, reaching its running instance. */
  parts(app: AppSpec, service: string) {
    const settings = backupSettings(app, service);
    const port = this.rt.store
      .listInstances(app.name, { service })
      .find((i) => i.port !== null && ["healthy", "running", "unhealthy"].includes(i.state))?.port;
    const source = backupSource(app, service, this.rt.paths, port ?? undefined);
    return {
      settings,
      source,
      running: port !== undefined && port !== null,
      engine: engineFor(source, this.tmpDir()),
      store: backupStore(app, settings.store, this.rt.paths),
    };
  }

  /** `parts` with the service's secret references resolved: a postgres password reaches pg_dump in its environment. */
  async resolvedParts(app: AppSpec, service: string) {
    return this.parts(await withServiceSecrets(app, service, this.rt.paths.home), service);
  }

  /** Where Redis snapshots and downloaded copies are staged (private: they hold the data). */
  tmpDir(): string {
    const dir = join(this.rt.paths.home, "tmp");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /**
   * Runs `work` as the only backup operation of the service, after the one running (a manual backup
   * waits for a scheduled one; a scheduled turn skips a busy service instead, see `isBusy`).
   */
  async exclusive<T>(project: string, service: string, work: () => Promise<T>): Promise<T> {
    const key = `${project}/${service}`;
    const done = (this.busy.get(key) ?? Promise.resolve()).then(work);
    const tail = done.then(
      () => {},
      () => {},
    );
    this.busy.set(key, tail);
    try {
      return await done;
    } finally {
      if (this.busy.get(key) === tail) this.busy.delete(key);
    }
  }

  isBusy(project: string, service: string): boolean {
    return this.busy.has(`${project}/${service}`);
  }

  /** Backs up one service (after any operation on it that runs); the outcome is an event either way. */
  backUp(app: AppSpec, service: string, reason: BackupReason, release?: string): Promise<BackupManifest> {
    return this.exclusive(app.name, service, () => this.backUpNow(app, service, reason, release));
  }

  async backUpNow(
    app: AppSpec,
    service: string,
    reason: BackupReason,
    release?: string,
  ): Promise<BackupManifest> {
    try {
      const { engine, store, running } = await this.resolvedParts(app, service);
      if (!running) {
        throw new BackupError("E_BACKUP_TOOL", `${service} is not running; there is nothing to back up`);
      }
      const manifest = await runBackup({
        engine,
        store,
        project: app.name,
        service,
        recipients: app["x-slipway"].backups.recipients,
        ...(release ? { release } : {}),
      });
      this.event(
        app.name,
        service,
        "backup.created",
        "info",
        `${reason} backup ${manifest.id} of ${service} (${manifest.sizes.stored} bytes) in ${store.description}`,
        { id: manifest.id, reason },
      );
      return manifest;
    } catch (error) {
      this.failed(app.name, service, "backup.failed", `${reason} backup of ${service} failed`, error);
      throw error;
    }
  }

  /** `backup run [service]`: every backed-up service (or one); failures are collected, not thrown. */
  async runAll(project: string, service?: string) {
    const app = this.app(project);
    if (service) backupSettings(app, service);
    const backups: BackupRow[] = [];
    const failures: { service: string; code: string; message: string }[] = [];
    for (const name of service ? [service] : backedUpServices(app)) {
      try {
        const release = this.rt.store.activeRelease(project)?.id;
        backups.push(backupRow(await this.backUp(app, name, "manual", release)));
      } catch (error) {
        const e = asSlipwayError(error);
        failures.push({ service: name, code: e.code, message: e.message });
      }
    }
    return { backups, failures };
  }

  /** Every backup of the project, newest first, with recent failures. */
  async list(project: string): Promise<BackupListing> {
    const app = this.app(project);
    return listProjectBackups(app, (service) => this.parts(app, service).store, this.rt.store);
  }

  /** The service and manifest of backup `id`; `E_BACKUP_NOT_FOUND` when no store of the project has it. */
  async find(project: string, id: string): Promise<FoundBackup> {
    const app = this.app(project);
    return findBackup(app, id, (service) => this.parts(app, service).store);
  }

  /** Proves backup `id` restores (into a scratch target); recorded in its manifest and as an event. */
  async verify(
    project: string,
    id: string,
    identities: readonly string[],
  ): Promise<VerifyResult & { id: string; service: string }> {
    const { app, service } = await this.find(project, id);
    const result = await this.exclusive(project, service, () => this.verifyNow(app, service, id, identities));
    return { ...result, id, service };
  }

  private async verifyNow(
    app: AppSpec,
    service: string,
    id: string,
    identities: readonly string[],
  ): Promise<VerifyResult> {
    try {
      const { engine, store, settings } = await this.resolvedParts(app, service);
      const result = await verifyBackup({
        engine,
        store,
        project: app.name,
        service,
        id,
        identities,
        ...(settings.verify_check !== undefined ? { check: settings.verify_check } : {}),
        tmpDir: this.tmpDir(),
      });
      if (result.ok) {
        this.event(app.name, service, "backup.verified", "info", `backup ${id} of ${service} restores`, {
          id,
        });
      } else {
        const error = result.details.error;
        const check = result.details.checks.find((c) => !c.ok);
        const why = error ? `${error.code} ${error.message}` : `${check?.name}: ${check?.message}`;
        this.event(
          app.name,
          service,
          "backup.verify-failed",
          "error",
          `backup ${id} of ${service} failed verification: ${why}`,
          { id, result },
        );
      }
      return result;
    } catch (error) {
      this.failed(
        app.name,
        service,
        "backup.verify-failed",
        `verifying backup ${id} of ${service} failed`,
        error,
      );
      throw error;
    }
  }

  /** Scheduled: verifies the newest backup with the agent's own identities (nothing to do without a backup). */
  async verifyNewestNow(app: AppSpec, service: string): Promise<void> {
    const { backups } = await listBackups(this.parts(app, service).store, app.name, service);
    const newest = backups[0];
    if (newest) await this.verifyNow(app, service, newest.id, this.agentIdentities());
  }

  /** Applies each service's retention (or only plans it, with `dryRun`). */
  async prune(project: string, dryRun: boolean): Promise<readonly PrunePlanView[]> {
    const app = this.app(project);
    const plans: PrunePlanView[] = [];
    for (const service of backedUpServices(app)) {
      plans.push(await this.exclusive(project, service, () => this.pruneNow(app, service, dryRun)));
    }
    return plans;
  }

  /** Retention of one service; what it deletes is an event. */
  async pruneNow(app: AppSpec, service: string, dryRun: boolean): Promise<PrunePlanView> {
    const { store, settings } = this.parts(app, service);
    const policy = settings.retention;
    const plan = await pruneBackups({ store, project: app.name, service, policy, dryRun });
    if (!dryRun && plan.delete.length > 0) {
      const ids = plan.delete.map((b) => b.id);
      this.event(
        app.name,
        service,
        "backup.pruned",
        "info",
        `retention deleted ${ids.length} backups of ${service}: ${ids.join(", ")}`,
        { ids },
      );
    }
    return prunePlanView(service, plan);
  }

  event(
    project: string,
    service: string,
    kind: string,
    level: "info" | "warning" | "error",
    message: string,
    data?: unknown,
  ): void {
    this.rt.store.addEvent({ project, service, kind, level, message, data });
  }

  /** Records a failure as an event of level error, with its code. */
  failed(project: string, service: string, kind: string, what: string, error: unknown): void {
    const e = asSlipwayError(error);
    this.event(project, service, kind, "error", `${what}: ${e.code} ${e.message}`, { code: e.code });
  }
}

/** Any error as a coded one (a library error that escaped unwrapped becomes `E_BACKUP_INTERNAL`). */
export function asSlipwayError(error: unknown): SlipwayError {
  return error instanceof SlipwayError
    ? error
    : new SlipwayError(
        { code: "E_BACKUP_INTERNAL", message: String((error as Error)?.message ?? error) },
        { cause: error },
      );
}
