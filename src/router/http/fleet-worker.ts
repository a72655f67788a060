import { collectDefaultMetrics } from "prom-client";
import { SlipwayError } from "../../errors.js";
import type { FleetReply, FleetRequest } from "./fleet-messages.js";
import { READY } from "./fleet-messages.js";
import { Router } from "./router.js";

function log(line: string): void {
  if (!process.stderr.destroyed) process.stderr.write(`router worker ${process.pid}: ${line}\n`);
}

async function answer(router: Router, request: FleetRequest): Promise<unknown> {
  switch (request.op) {
    case "apply":
      return router.apply(request.config);
    case "inflight":
      return router.inFlight(request.upstream);
    case "stats":
      return router.versionStats(request.route);
    case "reset":
      return router.resetVersionStats(request.route);
    case "metrics":
      return router.registry.getMetricsAsJSON();
  }
}

/**
 * One worker of a builtin router running several (`workers` > 1): a `Router` serving the listeners
 * it shares with the other workers (node:cluster), configured and asked by the primary over IPC.
 * It ends when the primary disconnects it (after its requests finished) or goes away.
 */
export function runRouterWorker(): void {
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  process.on("uncaughtException", (error) => log(`uncaught: ${error.stack ?? error.message}`));
  const router = new Router({ accessLog: process.stdout });
  collectDefaultMetrics({ register: router.registry, prefix: "slipway_router_process_" });
  process.on("message", (request: FleetRequest) => {
    answer(router, request).then(
      (value) => process.send?.({ id: request.id, ok: true, value: value ?? null } satisfies FleetReply),
      (error: unknown) => {
        const { code, hint } = error instanceof SlipwayError ? error : { code: undefined, hint: undefined };
        const message = error instanceof Error ? error.message : String(error);
        process.send?.({ id: request.id, ok: false, error: { code, message, hint } } satisfies FleetReply);
      },
    );
  });
  process.on("disconnect", () => void router.close().then(() => process.exit(0)));
  process.send?.(READY);
}
