import { join } from "node:path";
import {
  BackupError,
  type BackupManifest,
  listBackups,
  pruneBackups,
  readManifest,
  runBackup,
  type UnreadableManifest,
  type VerifyResult,
  verifyBackup,
} from "../../backup/index.js";
import type { DeployRuntime } from "../../deploy/runtime.js";
import { SlipwayError } from "../../errors.js";
import type { AppSpec } from "../../manifest/model.js";
import type { ProjectSpecs } from "../project-specs.js";
import { backedUpServices, backupSettings, backupSource, engineFor } from "./source.js";
import { backupStore } from "./stores.js";
import { type BackupRow, backupRow, type PrunePlanView, prunePlanView } from "./views.js";

/** Why a backup was taken; recorded in its event. */
export type BackupReason = "manual" | "schedule" | "pre-migrate";

/** What `backup list` shows for a project. */
export interface BackupListing {
  readonly backups: readonly BackupRow[];
  readonly unreadable: readonly UnreadableManifest[];
  /** Recent failed backups, uploads and verifications (events of level error), newest first. */
  readonly failures: readonly {
    readonly ts: number;
    readonly service?: string | undefined;
    readonly kind: string;
    readonly message: string;
  }[];
}

/**
 * The agent's backups: builds each service's engine and store from its deployed spec, runs backups,
 * verifications and retention one at a time per service, and records each outcome as an event
 * (a failure is an event of level error: the alert).
 */
export class AgentBackups {
  private readonly busy = new Set<string>();

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

  tmpDir(): string {
    return join(this.rt.paths.home, "tmp");
  }

  /** Runs `work` as the only backup operation of the service; a second one is refused (`E_BACKUP_BUSY`). */
  async exclusive<T>(project: string, service: string, work: () => Promise<T>): Promise<T> {
    const key = `${project}/${service}`;
    if (this.busy.has(key)) {
      throw new SlipwayError({
        code: "E_BACKUP_BUSY",
        message: `a backup, verification, restore or prune of ${key} is running`,
        hint: "wait for it to finish, then try again",
      });
    }
    this.busy.add(key);
    try {
      return await work();
    } finally {
      this.busy.delete(key);
    }
  }

  isBusy(project: string, service: string): boolean {
    return this.busy.has(`${project}/${service}`);
  }

  /** Backs up one service now; the outcome is an event either way. */
  backUp(app: AppSpec, service: string, reason: BackupReason, release?: string): Promise<BackupManifest> {
    return this.exclusive(app.name, service, async () => {
      try {
        const { engine, store, running } = this.parts(app, service);
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
    });
  }

  /** `backup run [service]`: every backed-up service (or one); failures are collected, not thrown. */
  async runAll(project: string, service?: string) {
    const app = this.app(project);
    const services = service ? [service] : backedUpServices(app);
    if (service) backupSettings(app, service);
    const backups: BackupRow[] = [];
    const failures: { service: string; code: string; message: string }[] = [];
    for (const name of services) {
      try {
        backups.push(
          backupRow(await this.backUp(app, name, "manual", this.rt.store.activeRelease(project)?.id)),
        );
      } catch (error) {
        const e = asSlipwayError(error);
        failures.push({ service: name, code: e.code, message: e.message });
      }
    }
    return { backups, failures };
  }

  /** Every backup of every backed-up service, newest first, with recent failures. */
  async list(project: string): Promise<BackupListing> {
    const app = this.app(project);
    const backups: BackupManifest[] = [];
    const unreadable: UnreadableManifest[] = [];
    for (const service of backedUpServices(app)) {
      const found = await listBackups(this.parts(app, service).store, project, service);
      backups.push(...found.backups);
      unreadable.push(...found.unreadable);
    }
    backups.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const failures = this.rt.store
      .listEvents(project)
      .filter((e) => e.kind.startsWith("backup.") && e.level === "error")
      .slice(-20)
      .reverse()
      .map((e) => ({ ts: e.ts, service: e.service, kind: e.kind, message: e.message }));
    return { backups: backups.map(backupRow), unreadable, failures };
  }

  /** The service and manifest of backup `id` of the project; `E_BACKUP_NOT_FOUND` when no store has it. */
  async find(
    project: string,
    id: string,
  ): Promise<{ app: AppSpec; service: string; manifest: BackupManifest }> {
    const app = this.app(project);
    for (const service of backedUpServices(app)) {
      const manifest = await readManifest(this.parts(app, service).store, project, service, id).catch(
        (error: unknown) => {
          if (error instanceof BackupError && error.code === "E_BACKUP_NOT_FOUND") return undefined;
          throw error;
        },
      );
      if (manifest) return { app, service, manifest };
    }
    throw new BackupError(
      "E_BACKUP_NOT_FOUND",
      `${project} has no backup ${id}`,
      "see `slipway backup list`",
    );
  }

  /** Proves backup `id` restores (into a scratch target); the result is recorded in its manifest and as an event. */
  async verify(
    project: string,
    id: string,
    identities: readonly string[],
  ): Promise<VerifyResult & { id: string; service: string }> {
    const { app, service } = await this.find(project, id);
    const result = await this.verifyOf(app, service, id, identities);
    return { ...result, id, service };
  }

  private verifyOf(
    app: AppSpec,
    service: string,
    id: string,
    identities: readonly string[],
  ): Promise<VerifyResult> {
    return this.exclusive(app.name, service, async () => {
      try {
        const { engine, store, settings } = this.parts(app, service);
        const result = await verifyBackup({
          engine,
          store,
          project: app.name,
          service,
          id,
          identities: identities.length > 0 ? identities : this.agentIdentities(),
          ...(settings.verify_check !== undefined ? { check: settings.verify_check } : {}),
          tmpDir: this.tmpDir(),
        });
        if (result.ok)
          this.event(app.name, service, "backup.verified", "info", `backup ${id} of ${service} restores`, {
            id,
          });
        else {
          const why = result.details.error ?? result.details.checks.find((c) => !c.ok);
          this.event(
            app.name,
            service,
            "backup.verify-failed",
            "error",
            `backup ${id} of ${service} failed verification: ${why ? ("code" in why ? `${why.code} ` : `${why.name}: `) + why.message : "unknown"}`,
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
    });
  }

  /** Scheduled: verifies the service's newest backup (nothing to do when it has none). */
  async verifyNewest(project: string, service: string): Promise<void> {
    const app = this.app(project);
    const { backups } = await listBackups(this.parts(app, service).store, project, service);
    const newest = backups[0];
    if (newest) await this.verifyOf(app, service, newest.id, []);
  }

  /** Applies each service's retention (or plans it, with `dryRun`); deletions are events. */
  async prune(
    project: string,
    options: { dryRun?: boolean; service?: string } = {},
  ): Promise<readonly PrunePlanView[]> {
    const app = this.app(project);
    const services = options.service ? [options.service] : backedUpServices(app);
    const plans: PrunePlanView[] = [];
    for (const service of services) {
      plans.push(
        await this.exclusive(project, service, async () => {
          const { store, settings } = this.parts(app, service);
          const plan = await pruneBackups({
            store,
            project,
            service,
            policy: settings.retention,
            dryRun: options.dryRun ?? false,
          });
          if (!options.dryRun && plan.delete.length > 0) {
            this.event(
              project,
              service,
              "backup.pruned",
              "info",
              `retention deleted ${plan.delete.length} backups of ${service}: ${plan.delete.map((b) => b.id).join(", ")}`,
              { ids: plan.delete.map((b) => b.id) },
            );
          }
          return prunePlanView(service, plan);
        }),
      );
    }
    return plans;
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

  failed(project: string, service: string, kind: string, what: string, error: unknown): void {
    const e = asSlipwayError(error);
    this.event(project, service, kind, "error", `${what}: ${e.code} ${e.message}`, { code: e.code });
  }
}

export function asSlipwayError(error: unknown): SlipwayError {
  return error instanceof SlipwayError
    ? error
    : new SlipwayError(
        { code: "E_BACKUP_INTERNAL", message: String((error as Error)?.message ?? error) },
        { cause: error },
      );
}
