import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SlipwayError } from "../../errors.js";
import type { RouterConfig } from "../model.js";
import type { VersionSample } from "../version-stats.js";
import { parseRouterConfig } from "./config-schema.js";
import { RouterError } from "./errors.js";
import type { InFlightCount } from "./inflight.js";

/** What the admin API serves: a `Router` in this process, or a `RouterFleet` asking its workers. */
export interface AdminTarget {
  readonly config: RouterConfig | undefined;
  readonly registry: { readonly contentType: string };
  apply(config: RouterConfig): Promise<void>;
  inFlight(upstreamId: string): InFlightCount | Promise<InFlightCount>;
  versionStats(routeId: string): Record<string, VersionSample> | Promise<Record<string, VersionSample>>;
  resetVersionStats(routeId: string): void | Promise<void>;
  metrics(): Promise<string>;
}

/** Bodies are configurations, never bulk data. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(`${JSON.stringify(body)}\n`);
}

function sendError(response: ServerResponse, error: unknown): void {
  if (error instanceof SlipwayError) {
    const status = error.code === "E_ROUTER_CONFIG" || error.code === "E_ROUTER_ADMIN" ? 400 : 409;
    sendJson(response, status, { error: { code: error.code, message: error.message, hint: error.hint } });
    return;
  }
  sendJson(response, 500, {
    error: { code: "E_ROUTER_INTERNAL", message: String((error as Error)?.message ?? error) },
  });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw adminError("the configuration is larger than 16 MiB");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw adminError("the body is not JSON");
  }
}

function adminError(message: string): RouterError {
  return new RouterError({ code: "E_ROUTER_ADMIN", message, hint: "see src/router/http/admin-api.ts" });
}

function required(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw adminError(`the query parameter ${name} is required`);
  return value;
}

/**
 * The router's admin API, served on a unix socket: `PUT /config` validates, applies, then saves
 * (via `persist`) and answers `{generation}`; `GET /config`, `/inflight?upstream=`, `/metrics`,
 * `/stats?route=`, `POST /stats/reset?route=`, `/health` (with the number of worker processes).
 */
export function createAdminServer(
  router: AdminTarget,
  persist: (config: RouterConfig) => void,
  workers = 1,
): Server {
  let queue: Promise<unknown> = Promise.resolve();
  const putConfig = async (request: IncomingMessage): Promise<{ generation: number }> => {
    const config = parseRouterConfig(await readJson(request));
    const run = queue.then(async () => {
      const served = router.config?.generation ?? -1;
      if (config.generation < served)
        throw new RouterError({
          code: "E_ROUTER_CONFIG",
          message: `generation ${config.generation} is older than the one served (${served})`,
          hint: "send a configuration with a higher generation",
        });
      await router.apply(config);
      persist(config);
      return { generation: config.generation };
    });
    queue = run.catch(() => {});
    return run;
  };
  const routes: Record<string, (request: IncomingMessage, url: URL) => Promise<[number, unknown] | string>> =
    {
      "PUT /config": async (request) => [200, await putConfig(request)],
      "GET /config": async () =>
        router.config
          ? [200, router.config]
          : [404, { error: { code: "E_ROUTER_ADMIN", message: "no configuration applied yet" } }],
      "GET /inflight": async (_, url) => [200, await router.inFlight(required(url, "upstream"))],
      "GET /stats": async (_, url) => [200, await router.versionStats(required(url, "route"))],
      "POST /stats/reset": async (_, url) => {
        await router.resetVersionStats(required(url, "route"));
        return [200, { ok: true }];
      },
      "GET /metrics": () => router.metrics(),
      "GET /health": async () => [
        200,
        { ok: true, generation: router.config?.generation ?? null, pid: process.pid, workers },
      ],
    };
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://router");
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) {
      sendJson(response, 404, {
        error: { code: "E_ROUTER_ADMIN", message: `no ${request.method} ${url.pathname}` },
      });
      return;
    }
    route(request, url).then(
      (answer) => {
        if (typeof answer === "string") {
          response.writeHead(200, { "content-type": router.registry.contentType });
          response.end(answer);
        } else sendJson(response, answer[0], answer[1]);
      },
      (error: unknown) => sendError(response, error),
    );
  });
}
