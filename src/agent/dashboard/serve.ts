import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SlipwayError } from "../../errors.js";
import type { Agent } from "../agent.js";
import { dashboardPublication } from "../dashboard-publication.js";
import type { Handler } from "../http.js";
import { DashboardAccess } from "./access.js";
import { dashboardApi } from "./api.js";
import { type Exposure, loopbackExposure, publishedExposure } from "./exposure.js";

/** The pages and their script, as `npm run build` leaves them beside the compiled agent (dist/dashboard). */
const ASSETS = fileURLToPath(new URL("../../dashboard/", import.meta.url));
const FILES: Readonly<Record<string, string>> = {
  "/": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
};
const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
/** Scripts and styles only from the dashboard itself: nothing inline, nothing from elsewhere. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** A running dashboard: where it listens. */
export interface DashboardServer {
  readonly url: string;
  /** The router listener (loopback, port chosen by the system): where the router sends the published host. */
  readonly entrance: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/** `127.0.0.1:9471` or `[::1]:0` as host and port; only loopback hosts are accepted. */
export function parseDashboardAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  const host = match && (match[1] ?? match[2]!);
  const loopback = host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host ?? "");
  if (!match || !loopback || Number(match[3]) > 65_535)
    throw new SlipwayError({
      code: "E_DASHBOARD_LISTEN",
      message: `the dashboard listens on loopback only, not on "${address}"`,
      hint: "write host:port with a loopback host, such as 127.0.0.1:9471 (publish it with x-slipway.observe.dashboard.host)",
    });
  return { host: host!, port: Number(match[3]) };
}

/** Pages and API for one listener; `exposure` says which origin a request is served at (none: refused). */
function dashboardHandler(
  api: ReturnType<typeof dashboardApi>,
  exposure: (req: IncomingMessage) => Exposure | undefined,
): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://dashboard");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const served = exposure(req);
    if (!served)
      return void res
        .writeHead(421, { "content-type": "text/plain" })
        .end("this listener serves the dashboard's published host only\n");
    if (url.pathname.startsWith("/api/")) return void api(req, res, url, served);
    const file = FILES[url.pathname];
    if (req.method !== "GET" || !file) return void res.writeHead(404).end("not found\n");
    readFile(join(ASSETS, file)).then(
      (bytes) =>
        res.writeHead(200, { "content-type": TYPES[extname(file)]!, "cache-control": "no-cache" }).end(bytes),
      () =>
        res
          .writeHead(500, { "content-type": "text/plain" })
          .end(
            "E_DASHBOARD_ASSETS: the dashboard's pages are missing from this build (run `npm run build`)\n",
          ),
    );
  };
}

/** Listens; resolves with the bound port, or rejects with `E_DASHBOARD_LISTEN`. */
function listen(server: Server, host: string, port: number, address: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", (error: Error) =>
      reject(
        new SlipwayError(
          {
            code: "E_DASHBOARD_LISTEN",
            message: `the dashboard cannot listen on ${address}: ${error.message}`,
            hint: "choose another address with `slipway dashboard --listen 127.0.0.1:PORT`",
          },
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => {
      const bound = server.address();
      resolve(typeof bound === "object" && bound ? bound.port : port);
    });
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Live event streams stay open until closed.
    server.closeAllConnections();
  });

/**
 * Serves the dashboard's pages and API on a loopback address (its own `http://` origin), and on a
 * second loopback listener for the router (the published `https://` origin, when a project publishes it).
 */
export async function serveDashboard(
  agent: Agent,
  routes: Readonly<Record<string, Handler>>,
  address: string,
): Promise<DashboardServer> {
  const { host, port } = parseDashboardAddress(address);
  const api = dashboardApi(agent, routes, new DashboardAccess(join(agent.paths.home, "dashboard.json")));
  const local = createServer(dashboardHandler(api, loopbackExposure));
  const router = createServer(
    dashboardHandler(api, (req) => publishedExposure(req, dashboardPublication(agent.specs.served()))),
  );
  const actualPort = await listen(local, host, port, address);
  const entrancePort = await listen(router, "127.0.0.1", 0, "127.0.0.1:0").catch(async (error: Error) => {
    await closeServer(local);
    throw error;
  });
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}/`,
    entrance: { host: "127.0.0.1", port: entrancePort },
    close: async () => {
      await Promise.all([closeServer(local), closeServer(router)]);
    },
  };
}
