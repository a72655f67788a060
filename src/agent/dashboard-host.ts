import { join } from "node:path";
import type { Agent } from "./agent.js";
import type { DashboardServer } from "./dashboard/serve.js";
import type { Handler } from "./http.js";

/** Where the dashboard listens when neither `slipway dashboard --listen` nor a manifest says. */
export const DEFAULT_DASHBOARD_ADDRESS = "127.0.0.1:9471";
/** State meta key: the address the dashboard was last served at (it is served again when the agent starts). */
const ADDRESS_KEY = "dashboard.address";

/** The address the manifests ask for: the first project (by name) that sets `x-slipway.observe.dashboard`. */
function configuredAddress(agent: Agent): string | undefined {
  return agent.specs
    .projects()
    .sort()
    .map((project) => agent.specs.spec(project)?.["x-slipway"].observe?.dashboard)
    .find((address) => address !== undefined);
}

/**
 * The web dashboard's place in the agent. Its code (server, pages, sessions) is loaded only once it is
 * used: by `slipway dashboard`, by a manifest that sets `x-slipway.observe.dashboard`, or because it
 * was served before this agent started. An agent without it never loads it.
 */
export class DashboardHost {
  private server: Promise<DashboardServer> | undefined;
  private address: string | undefined;

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
  async serve(address: string): Promise<string> {
    if (this.server && address === this.address) return (await this.server).url;
    await this.stop();
    const { serveDashboard } = await import("./dashboard/serve.js");
    this.address = address;
    this.server = serveDashboard(this.agent, this.routes, address);
    this.server.catch(() => {
      this.server = undefined;
      this.address = undefined;
    });
    const { url } = await this.server;
    this.agent.store.setMeta(ADDRESS_KEY, address);
    return url;
  }

  /** `slipway dashboard`: serves it (where asked, else where it was, else the manifests' or the default address) and makes a one-time login link. */
  async login(address: string | undefined): Promise<{ url: string; loginUrl: string }> {
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
    return { url, loginUrl: `${url}#login=${token}` };
  }

  /** Stops serving (until `slipway dashboard` again when `forget`). */
  async stop(forget = false): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (forget) this.agent.store.setMeta(ADDRESS_KEY, "");
    await (await server?.catch(() => undefined))?.close();
  }
}
