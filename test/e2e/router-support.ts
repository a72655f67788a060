import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { REPO } from "./cli.js";
import { isAlive } from "./procs.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Compose for one routed service `web` running test/e2e/apps/live (copied to ./live), 2 replicas,
 * with a healthcheck; `extra` is added under the service's `x-slipway`, `router` under the top-level one.
 */
export function liveApp(options: {
  readonly http: number;
  readonly https: number;
  readonly service?: string;
  readonly router?: string;
  readonly environment?: string;
}): string {
  return `name: \${E2E_PROJECT}
x-slipway:
  router: { http_port: ${options.http}, https_port: ${options.https}${options.router ? `, ${options.router}` : ""} }
services:
  web:
    build: ./live
    command: ["node", "server.cjs"]
    expose: ["3000"]
    environment:
      APP_VERSION: \${APP_VERSION:-v1}
      FAIL_RATE: \${FAIL_RATE:-0}
      NODE_PATH: ${join(REPO, "node_modules")}
${options.environment ?? ""}    deploy: { replicas: 2 }
    healthcheck:
      test: ["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health"]
      interval: 1s
      timeout: 2s
      retries: 3
    x-slipway:
      process: { build: "true" }
${options.service ?? "      routes: [{ path: / }]\n"}`;
}

/** The environment every router test's CLI calls get: the router on loopback only. */
export const LOOPBACK = { SLIPWAY_ROUTER_HOST: "127.0.0.1" } as const;

/** A WebSocket client that remembers every message and how (and when) it closed. */
export class WatchedSocket {
  readonly messages: { at: number; text: string }[] = [];
  closed: { at: number; code: number } | undefined;
  /** An `error` event: the connection broke without a close handshake. */
  error: string | undefined;
  private readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on("message", (data) => this.messages.push({ at: Date.now(), text: String(data) }));
    this.socket.on("close", (code) => {
      this.closed = { at: Date.now(), code };
    });
    this.socket.on("error", (error) => {
      this.error = error.message;
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
  }

  send(text: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  /** Pings every `intervalMs` until the socket closes or `maxMs` passes. */
  async pingUntilClosed(intervalMs: number, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    for (let n = 0; !this.closed && Date.now() < deadline; n++) {
      this.send(`ping${n}`);
      await sleep(intervalMs);
    }
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Stops the nginx masters of these sandboxes (fast shutdown; their workers follow), found by the
 * sandbox's home in their command line. Call it after the sandboxes' own cleanup: that cleanup asks
 * the agent (`ps`, `down`), and an agent starting up publishes its routes, which starts nginx again.
 */
export async function stopNginxOf(sandboxes: readonly Sandbox[]): Promise<void> {
  const prefixes = sandboxes.map((s) => `-p ${join(s.home, "nginx")}`);
  const masters = readdirSync("/proc").flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) return [];
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      return args.startsWith("nginx: master process") && prefixes.some((p) => args.endsWith(p)) ? [pid] : [];
    } catch {
      return [];
    }
  });
  for (const pid of masters) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone
    }
  }
  for (let i = 0; i < 50 && masters.some(isAlive); i++) await sleep(100);
}
