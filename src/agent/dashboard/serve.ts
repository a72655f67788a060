import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SlipwayError } from "../../errors.js";
import type { Agent } from "../agent.js";
import type { Handler } from "../http.js";
import { DashboardAccess } from "./access.js";
import { dashboardApi } from "./api.js";

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
      hint: "write host:port with a loopback host, such as 127.0.0.1:9471 (expose it through the router with TLS)",
    });
  return { host: host!, port: Number(match[3]) };
}

/** Serves the dashboard's pages and API on a loopback address. */
export async function serveDashboard(
  agent: Agent,
  routes: Readonly<Record<string, Handler>>,
  address: string,
): Promise<DashboardServer> {
  const { host, port } = parseDashboardAddress(address);
  const api = dashboardApi(agent, routes, new DashboardAccess(join(agent.paths.home, "dashboard.json")));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://dashboard");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (url.pathname.startsWith("/api/")) return void api(req, res, url);
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
  });
  await new Promise<void>((resolve, reject) => {
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
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const actualPort = typeof bound === "object" && bound ? bound.port : port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live event streams stay open until closed.
        server.closeAllConnections();
      }),
  };
}
