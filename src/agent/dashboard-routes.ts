import { SlipwayError } from "../errors.js";
import type { DashboardHost } from "./dashboard-host.js";
import { type Handler, readJson, sendJson } from "./http.js";

/** `slipway dashboard`: serve the web dashboard and hand out a one-time login link, or stop it. */
export function dashboardRoutes(host: () => DashboardHost): Record<string, Handler> {
  return {
    "POST /v1/dashboard": async (req, res) => {
      const { listen, stop } = (await readJson(req)) as { listen?: unknown; stop?: unknown };
      if (listen !== undefined && typeof listen !== "string")
        throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "dashboard takes {listen: host:port}" });
      if (stop === true) {
        await host().stop(true);
        return sendJson(res, 200, { stopped: true });
      }
      sendJson(res, 200, await host().login(listen));
    },
  };
}
