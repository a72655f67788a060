import { RouterControl } from "../router/control/router-control.js";
import type { StateStore } from "../state/index.js";
import type { SlipwayPaths } from "../state/paths.js";
import { SLIPWAY_BIN } from "./client.js";
import { dashboardPublication, dashboardRoute } from "./dashboard-publication.js";
import type { ProjectSpecs } from "./project-specs.js";

/** A loopback address the agent listens on. */
export interface LoopbackAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The agent's traffic control: every served project's routes, and — when a project publishes the
 * dashboard — the reserved route to the dashboard's router listener (`entrance`: absent while the
 * dashboard is not served; the route stays, so its host never falls to another route).
 */
export function agentTraffic(
  paths: SlipwayPaths,
  store: StateStore,
  specs: ProjectSpecs,
  entrance: () => LoopbackAddress | undefined,
): RouterControl {
  return new RouterControl({
    paths,
    store,
    projects: () => specs.routable(),
    commands: {
      router: [process.execPath, SLIPWAY_BIN, "router"],
      proxy: [process.execPath, SLIPWAY_BIN, "proxy"],
    },
    reserved: () => {
      const publication = dashboardPublication(specs.served());
      return publication ? [dashboardRoute(publication, entrance())] : [];
    },
  });
}
