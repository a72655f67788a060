import { request as httpRequest } from "node:http";
import { RouterError } from "../http/errors.js";
import type { InFlightCount } from "../http/inflight.js";
import type { RouterConfig } from "../model.js";
import type { VersionSample } from "../version-stats.js";

/** The agent's side of the router's admin API (a unix socket). */
export class RouterAdminClient {
  constructor(
    readonly socketPath: string,
    /** Per call. Default 10 s. */
    private readonly timeoutMs = 10_000,
  ) {}

  private call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = httpRequest(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: payload ? { "content-type": "application/json" } : {},
          timeout: this.timeoutMs,
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 500, text }));
          response.on("error", reject);
        },
      );
      request.on("timeout", () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on("error", (error) =>
        reject(
          new RouterError(
            {
              code: "E_ROUTER_ADMIN_UNREACHABLE",
              message: `cannot reach the router at ${this.socketPath}: ${error.message}`,
              hint: "is the router process running?",
            },
            { cause: error },
          ),
        ),
      );
      request.end(payload);
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text } = await this.call(method, path, body);
    const parsed = JSON.parse(text) as T & { error?: { code: string; message: string; hint?: string } };
    if (status >= 400) {
      const problem = parsed.error ?? { code: "E_ROUTER_ADMIN", message: `HTTP ${status}` };
      // The router's own code (E_ROUTER_CONFIG, E_ROUTER_LISTEN, …) is kept.
      throw new RouterError([{ code: problem.code, message: problem.message, hint: problem.hint }]);
    }
    return parsed;
  }

  /** Applies (and the router saves) a configuration; resolves once it is served. */
  apply(config: RouterConfig): Promise<{ generation: number }> {
    return this.json("PUT", "/config", config);
  }

  /** The configuration served, or undefined when none was applied. */
  async config(): Promise<RouterConfig | undefined> {
    const { status, text } = await this.call("GET", "/config");
    return status === 404 ? undefined : (JSON.parse(text) as RouterConfig);
  }

  inFlight(upstreamId: string): Promise<InFlightCount> {
    return this.json("GET", `/inflight?upstream=${encodeURIComponent(upstreamId)}`);
  }

  /** Polls until nothing is in flight on the upstream, or the timeout; returns the last count. */
  async waitDrained(upstreamId: string, timeoutMs: number, pollMs = 100): Promise<InFlightCount> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const count = await this.inFlight(upstreamId);
      const idle = count.requests === 0 && count.websockets === 0 && count.connections === 0;
      if (idle || Date.now() >= deadline) return count;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  stats(routeId: string): Promise<Record<string, VersionSample>> {
    return this.json("GET", `/stats?route=${encodeURIComponent(routeId)}`);
  }

  async resetStats(routeId: string): Promise<void> {
    await this.json("POST", `/stats/reset?route=${encodeURIComponent(routeId)}`);
  }

  /** Prometheus text exposition. */
  async metrics(): Promise<string> {
    return (await this.call("GET", "/metrics")).text;
  }

  /** `workers`: the router's worker processes (1: it serves in its own process). */
  health(): Promise<{ ok: boolean; generation: number | null; pid: number; workers?: number }> {
    return this.json("GET", "/health");
  }
}
