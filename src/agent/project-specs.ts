import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { AppSpec } from "../manifest/model.js";
import { assignAddresses, renderHostsFile, type ServiceAddresses } from "../network/addresses.js";
import { decodeRelease, type ReleaseContent } from "../release/content.js";
import type { RoutableProject } from "../router/control/projects.js";
import type { StateStore } from "../state/index.js";
import { extraPortsOf } from "../state/instance-ports.js";
import type { SlipwayPaths } from "../state/paths.js";
import { checkDashboardClaims } from "./dashboard-publication.js";

/**
 * What the agent knows about each project: the spec it is converging to (the new one during a
 * deploy, else the active release's), service addresses, and decoded releases (cached; immutable).
 */
export class ProjectSpecs {
  private readonly current = new Map<string, AppSpec>();
  private readonly releases = new Map<string, ReleaseContent>();

  constructor(
    private readonly store: StateStore,
    private readonly paths: SlipwayPaths,
  ) {}

  projects(): string[] {
    return JSON.parse(this.store.getMeta("projects") ?? "[]") as string[];
  }

  release(project: string, id: string): ReleaseContent | undefined {
    const key = `${project}/${id}`;
    if (!this.releases.has(key)) {
      const stored = this.store.getRelease(project, id);
      if (!stored) return undefined;
      this.releases.set(key, decodeRelease(stored.spec));
    }
    return this.releases.get(key);
  }

  /** The spec a project is converging to. */
  spec(project: string): AppSpec | undefined {
    const current = this.current.get(project);
    if (current) return current;
    const active = this.store.activeRelease(project);
    return active ? this.release(project, active.id)?.spec : undefined;
  }

  /**
   * Starts converging to `spec`: remembers the project, gives its services addresses and writes its
   * hosts file. A spec that claims what another served project holds (the dashboard's publication or
   * its host) is refused first, with nothing changed; no await lies between that check and the adoption.
   */
  adopt(spec: AppSpec): ServiceAddresses {
    checkDashboardClaims(spec, this.served());
    const projects = this.projects();
    if (!projects.includes(spec.name))
      this.store.setMeta("projects", JSON.stringify([...projects, spec.name]));
    this.current.set(spec.name, spec);
    // Deploying brings a project that was `down` back up.
    this.store.setMeta(`down:${spec.name}`, "");
    const addresses = assignAddresses(
      { home: this.paths.home, project: spec.name },
      Object.keys(spec.services),
      this.addresses(spec.name),
    );
    this.store.setMeta(`addresses:${spec.name}`, JSON.stringify(addresses));
    const file = this.paths.hostsFile(spec.name);
    mkdirSync(dirname(file), { recursive: true });
    // Written in place, not renamed over: running instances see this file through a bind mount of its inode.
    writeFileSync(file, renderHostsFile(addresses, hostname()));
    return addresses;
  }

  /** Forgets the in-flight spec: the active release's spec applies again. */
  settle(project: string): void {
    this.current.delete(project);
  }

  /** Whether `slipway down` stopped the project: nothing of it runs, schedules included, until its next deploy. */
  isDown(project: string): boolean {
    return Boolean(this.store.getMeta(`down:${project}`));
  }

  addresses(project: string): ServiceAddresses {
    return JSON.parse(this.store.getMeta(`addresses:${project}`) ?? "{}") as ServiceAddresses;
  }

  /** The spec of every project that is not `down`. */
  served(): AppSpec[] {
    return this.projects().flatMap((project) => {
      const spec = this.isDown(project) ? undefined : this.spec(project);
      return spec ? [spec] : [];
    });
  }

  /** Every project with a spec that is not `down`, as the router control serves it. */
  routable(): RoutableProject[] {
    return this.projects().flatMap((project) => {
      const spec = this.spec(project);
      if (!spec || this.isDown(project)) return [];
      const active = this.store.activeRelease(project);
      return [
        {
          spec,
          active: active ? this.release(project, active.id) : undefined,
          instances: this.store
            .listInstances(project)
            .map((instance) => ({ ...instance, ports: extraPortsOf(this.store, instance.id) })),
          addresses: this.addresses(project),
        },
      ];
    });
  }
}
