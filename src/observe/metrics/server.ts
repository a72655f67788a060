import { createServer, type Server } from "node:http";
import { SlipwayError } from "../../errors.js";
import type { AgentMetrics } from "./agent-metrics.js";

/** `127.0.0.1:9470` or `[::1]:9470` as host and port (the manifest schema has checked it). */
export function parseListenAddress(address: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (!match)
    throw new SlipwayError({
      code: "E_OBSERVE_LISTEN",
      message: `metrics address ${address} is not host:port`,
      hint: "write it as 127.0.0.1:9470",
    });
  return { host: match[1] ?? match[2]!, port: Number(match[3]) };
}

/** Serves `GET /metrics` (the Prometheus text format) on a loopback address. */
export async function serveMetrics(metrics: AgentMetrics, address: string): Promise<Server> {
  const { host, port } = parseListenAddress(address);
  const server = createServer((req, res) => {
    if (req.method !== "GET" || new URL(req.url ?? "/", "http://metrics").pathname !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("metrics are at /metrics\n");
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: Error) =>
      reject(
        new SlipwayError(
          {
            code: "E_OBSERVE_LISTEN",
            message: `metrics cannot listen on ${address}: ${error.message}`,
            hint: "choose another x-slipway.observe.metrics address",
          },
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}
