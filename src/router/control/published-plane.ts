import type { RouterDriverName } from "../driver.js";
import { isPublished, type RouterConfig } from "../model.js";

/** Which data plane serves which part of one configuration. */
export interface PlaneConfigs {
  /** For the projects' driver: every route (builtin), or all but the published ports (nginx); none when nothing is left. */
  readonly routes: RouterConfig | undefined;
  /** For a builtin router beside nginx: the published HTTP ports. */
  readonly published: RouterConfig | undefined;
}

/**
 * The builtin router serves published HTTP ports whatever the driver: nginx reloads at every change
 * (each deploy step), and its old workers close idle client keep-alive connections, which a client
 * that does not resend sees as resets — more of them than the layer-4 proxy caused
 * (bench/zero-downtime). The builtin router applies a change without touching client connections.
 */
export function planeConfigs(config: RouterConfig, driver: RouterDriverName): PlaneConfigs {
  if (driver === "builtin") return { routes: config, published: undefined };
  const published = config.routes.filter(isPublished);
  const others = config.routes.filter((route) => !isPublished(route));
  return {
    routes: others.length > 0 ? { ...config, routes: others } : undefined,
    // Without `https`: nginx holds the HTTPS port (the shared HTTP one is not bound for published routes alone).
    published: published.length > 0 ? { ...config, https: undefined, routes: published } : undefined,
  };
}
