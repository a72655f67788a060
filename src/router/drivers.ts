import { join } from "node:path";
import type { SlipwayPaths } from "../state/paths.js";
import { BuiltinRouterDriver } from "./builtin/driver.js";
import type { RouterDriver, RouterDriverName } from "./driver.js";

/** What a driver is made from: the state directory it keeps its files in, and how to start the builtin router. */
export interface RouterDriverContext {
  readonly paths: SlipwayPaths;
  /** argv that starts the builtin router process for `paths` (`node bin/slipway router`). */
  readonly routerCommand: readonly [string, ...string[]];
}

/** The router drivers by `x-slipway.router.driver`; nginx's code loads only when a project asks for it. */
export const routerDrivers: {
  readonly [name in RouterDriverName]: (context: RouterDriverContext) => Promise<RouterDriver>;
} = {
  builtin: async ({ paths, routerCommand }) =>
    new BuiltinRouterDriver({
      socket: paths.routerSocket,
      pidFile: paths.routerPidFile,
      logFile: paths.routerLog,
      command: routerCommand,
      env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: paths.home },
    }),
  nginx: async ({ paths }) => {
    const { NginxDriver } = await import("./nginx/driver.js");
    return new NginxDriver({ prefix: join(paths.home, "nginx") });
  },
};
