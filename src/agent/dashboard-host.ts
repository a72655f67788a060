import { join } from "node:path";
import { dashboardSettings } from "../manifest/dashboard-settings.js";
import type { Agent } from "./agent.js";
import type { LoopbackAddress } from "./agent-traffic.js";
import type { DashboardServer } from "./dashboard/serve.js";
import { dashboardPublication } from "./dashboard-publication.js";
import type { Handler } from "./http.js";

/** Where the dashboard listens when neither `slipway dashboard --listen` nor a manifest says. */
export const DEFAULT_DASHBOARD_ADDRESS = "127.0.0.1:9471";
/** State meta key: the address the dashboard was last served at (it is served again when the agent starts). */
const ADDRESS_KEY = "dashboard.address";

/**
 * The address the manifests ask for: the first project (by name) that sets `x-slipway.observe.dashboard`
 * (a project that only publishes it asks for the default address).
 */
function configuredAddress(agent: Agent): string | undefined {
  return agent.specs
    .projects()
    .sort()
    .map((project) => {
      const settings = dashboardSettings(agent.specs.spec(project)?.["x-slipway"].observe);
      return settings?.listen ?? (settings?.host ? DEFAULT_DASHBOARD_ADDRESS : undefined);
    })
    .find((address) => address !== undefined);
}

/** What `slipway dashboard` answers: the loopback URL and login link, and the published ones when a project publishes it. */
export interface DashboardLinks {
  readonly url: string;
  readonly loginUrl: string;
  readonly public?: { readonly url: string; readonly loginUrl: string; readonly project: string };
}

/**
 * The web dashboard's place in the agent. Its code (server, pages, sessions) is loaded only once it is
 * used: by `slipway dashboard`, by a manifest that sets `x-slipway.observe.dashboard`, or because it
 * was served before this agent started. An agent without it never loads it.
 */
export class DashboardHost {
  private server: Promise<DashboardServer> | undefined;
  private address: string | undefined;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly agent: Agent,
    private readonly routes: Readonly<Record<string, Handler>>,
  ) {
    // A deploy may bring the first manifest that asks for it.
    agent.feed.watch(({ event }) => {
      if (event.type === "deploy.finished" && !this.server) void this.resume().catch(() => undefined);
    });
  }

  /** At start: serves the dashboard if it was served before or a manifest asks for it. */
  async resume(): Promise<void> {
    const address = this.agent.store.getMeta(ADDRESS_KEY) || configuredAddress(this.agent);
    if (address) await this.serve(address);
  }

  /** Serves at `address` (moving there if it listens elsewhere); resolves with its base URL. */
  serve(address: string): Promise<string> {
    return this.inTurn(() => this.serveNow(address));
  }

  /** Starts and stops one at a time: a deploy's resume and `slipway dashboard` may ask at once. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async serveNow(address: string): Promise<string> {
    if (this.server && address === this.address) return (await this.server).url;
    await this.stopNow();
    const { serveDashboard } = await import("./dashboard/serve.js");
    this.address = address;
    // Resolved once the router's route points at it too: the printed https URL works when printed.
    this.server = serveDashboard(this.agent, this.routes, address).then(async (server) => {
      this.agent.store.setMeta(ADDRESS_KEY, address);
      await this.moveEntrance(server.entrance);
      return server;
    });
    this.server.catch(() => {
      this.server = undefined;
      this.address = undefined;
    });
    return (await this.server).url;
  }

  /** Points the router's dashboard route (when a project publishes it) at the router listener, or at nothing. */
  private async moveEntrance(entrance: LoopbackAddress | undefined): Promise<void> {
    this.agent.dashboardEntrance = entrance;
    if (!dashboardPublication(this.agent.specs.served())) return;
    // The router's trouble (a port taken) is the router's event; it must not fail `slipway dashboard`.
    await this.agent.traffic.publish().catch((error: Error) => {
      for (const project of this.agent.specs.projects())
        this.agent.store.addEvent({ project, kind: "traffic.error", level: "error", message: error.message });
    });
  }

  /** `slipway dashboard`: serves it (where asked, else where it was, else the manifests' or the default address) and makes a one-time login link. */
  async login(address: string | undefined): Promise<DashboardLinks> {
    const url = await this.serve(
      address ??
        this.address ??
        configuredAddress(this.agent) ??
        (this.agent.store.getMeta(ADDRESS_KEY) || undefined) ??
        DEFAULT_DASHBOARD_ADDRESS,
    );
    const { DashboardAccess } = await import("./dashboard/access.js");
    const token = new DashboardAccess(join(this.agent.paths.home, "dashboard.json")).createLogin();
    // The token travels in the fragment: browsers never send it to a server, so no log records it.
    const published = dashboardPublication(this.agent.specs.served());
    return {
      url,
      loginUrl: `${url}#login=${token}`,
      ...(published && {
        public: {
          url: `${published.origin}/`,
          loginUrl: `${published.origin}/#login=${token}`,
          project: published.project,
        },
      }),
    };
  }

  /** Stops serving (until `slipway dashboard` again when `forget`). */
  stop(forget = false): Promise<void> {
    return this.inTurn(() => this.stopNow(forget));
  }

  private async stopNow(forget = false): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (forget) this.agent.store.setMeta(ADDRESS_KEY, "");
    await (await server?.catch(() => undefined))?.close();
    if (server) await this.moveEntrance(undefined);
  }
}
