import type { IncomingMessage, ServerResponse } from "node:http";
import { SlipwayError } from "../../errors.js";
import type { Agent } from "../agent.js";
import { audited } from "../audit.js";
import { type Handler, readJson, requireParam, sendError, sendJson } from "../http.js";
import type { DashboardAccess } from "./access.js";
import { type Exposure, fromOwnOrigin, sessionCookie, sessionOf } from "./exposure.js";
import { streamDeployFeed } from "./feed.js";
import { logTail, overview, serviceTraffic } from "./views.js";

/** Agent API routes the dashboard may call: what its pages read, and the actions it offers. */
const READS = [
  "/v1/status",
  "/v1/ps",
  "/v1/releases",
  "/v1/events",
  "/v1/backups",
  "/v1/alerts",
  "/v1/audit",
];
const ACTIONS = [
  "/v1/rollback",
  "/v1/restart",
  "/v1/promote",
  "/v1/abort",
  "/v1/backups/run",
  "/v1/maintenance",
];

const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { error: { code, message } });

/**
 * The dashboard's JSON API under `/api/`: `login` trades a one-time token for a session cookie;
 * everything else needs that session. `/api/v1/…` runs the agent's own route (the same code the
 * CLI calls, audited with the actor `dashboard`); an action also needs the page's confirmation header.
 * Whatever changes something (login included) must come from the exposure's own origin.
 */
export function dashboardApi(
  agent: Agent,
  routes: Readonly<Record<string, Handler>>,
  access: DashboardAccess,
): (req: IncomingMessage, res: ServerResponse, url: URL, exposure: Exposure) => Promise<void> {
  const own = (exposure: Exposure): Record<string, Handler> => ({
    "GET /api/overview": async (_req, res) => sendJson(res, 200, overview(agent)),
    "GET /api/traffic": async (_req, res, q) =>
      sendJson(res, 200, await serviceTraffic(agent, requireParam(q, "project"), requireParam(q, "service"))),
    "GET /api/logs": async (_req, res, q) =>
      sendJson(res, 200, {
        lines: await logTail(agent, requireParam(q, "project"), requireParam(q, "service"), 100),
      }),
    "GET /api/feed": async (req, res, q) => streamDeployFeed(agent, requireParam(q, "project"), req, res),
    "POST /api/logout": async (req, res) => {
      const session = sessionOf(req, exposure);
      if (session) access.endSession(session);
      res.writeHead(204, { "set-cookie": sessionCookie(exposure, "", 0) });
      res.end();
    },
  });
  return async (req, res, url, exposure) => {
    const route = `${req.method} ${url.pathname}`;
    try {
      if (req.method !== "GET" && !fromOwnOrigin(req, exposure))
        return refuse(
          res,
          403,
          "E_DASHBOARD_ORIGIN",
          `requests must come from the dashboard's own pages at ${exposure.origin}`,
        );
      if (route === "POST /api/login") {
        const { token } = (await readJson(req, 4096)) as { token?: unknown };
        const session = typeof token === "string" ? access.redeemLogin(token) : undefined;
        if (!session)
          return refuse(res, 401, "E_DASHBOARD_LOGIN", "this login link is unknown, used or expired");
        res.writeHead(204, { "set-cookie": sessionCookie(exposure, session, 43_200) });
        return void res.end();
      }
      if (!access.hasSession(sessionOf(req, exposure)))
        return refuse(res, 401, "E_DASHBOARD_SESSION", "log in with the link `slipway dashboard` prints");
      // A form or another site cannot set this header without the browser asking first (CORS).
      if (req.method !== "GET" && req.headers["x-slipway-dashboard"] !== "1")
        return refuse(res, 403, "E_DASHBOARD_ORIGIN", "requests must come from the dashboard's own pages");
      const ownRoute = own(exposure)[route];
      if (ownRoute) return await ownRoute(req, res, url.searchParams);
      const agentPath = url.pathname.replace(/^\/api/, "");
      const allowed = req.method === "GET" ? READS.includes(agentPath) : ACTIONS.includes(agentPath);
      const handler = routes[`${req.method} ${agentPath}`];
      if (!allowed || !handler) return refuse(res, 404, "E_API_NOT_FOUND", `no route ${route}`);
      if (req.method !== "GET" && req.headers["x-slipway-confirmed"] !== "yes")
        throw new SlipwayError({
          code: "E_DASHBOARD_UNCONFIRMED",
          message: `${agentPath.slice(4)} needs the operator's confirmation`,
          hint: "confirm the action in the dashboard",
        });
      await audited(
        agent.store,
        `${req.method} ${agentPath}`,
        handler,
        () => "dashboard",
      )(req, res, url.searchParams);
    } catch (error) {
      if (res.headersSent) res.end();
      else sendError(res, error);
    }
  };
}
