import { Agent, request } from "node:http";
import WebSocket from "ws";

const PACE_MS = 10;

/** Which window a request started in: before the deploys (steady) or while they ran. */
export type Phase = "steady" | "deploys";

/** What the load saw, per window; failures keep a few examples. */
export class LoadRecord {
  readonly sent: Record<Phase, number> = { steady: 0, deploys: 0 };
  readonly failed: Record<Phase, number> = { steady: 0, deploys: 0 };
  readonly examples: string[] = [];
  readonly latencies: Record<Phase, number[]> = { steady: [], deploys: [] };
  readonly versions = new Map<string, number>();
  /** GETs sent again after their reused keep-alive connection closed before any answer. */
  resent = 0;
  wsMessages = 0;
  wsOpened = 0;
  /** Closed with 1001 Going Away (the drain), then reconnected. */
  wsDrained = 0;
  /** Any other end: a close code other than 1001, an error, or the socket ending without a close frame. */
  wsDropped = 0;

  fail(phase: Phase, what: string): void {
    this.failed[phase]++;
    if (this.examples.length < 5) this.examples.push(what);
  }

  p99(phase: Phase): number {
    const sorted = [...this.latencies[phase]].sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  }
}

/** The bounds every loop obeys: it stops by itself after `maxMs` or `maxRequests`, whichever comes first. */
export interface Bounds {
  readonly stop: () => boolean;
  readonly phase: () => Phase;
  readonly deadline: number;
  readonly maxRequests: number;
}

/** A GET whose reused keep-alive connection closed before any answer: safe to send again (RFC 9112 §9.3.1). */
class StaleConnection extends Error {}

function getOnce(port: number, agent: Agent | false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: "127.0.0.1", port, path: "/", agent, timeout: 10_000 }, (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", (error) =>
      reject(req.reusedSocket && !answered ? new StaleConnection(error.message) : error),
    );
    req.end();
  });
}

/**
 * One HTTP client sending GET / back to back: on one keep-alive connection, or a new connection each
 * time; `paced` waits 10 ms between requests (≤ 100 requests/s), otherwise the next one goes at once.
 */
export async function httpClient(
  port: number,
  keepAlive: boolean,
  record: LoadRecord,
  bounds: Bounds,
  paced = true,
): Promise<void> {
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
  const kind = keepAlive ? "keep-alive" : "new connection";
  let sent = 0;
  while (!bounds.stop() && sent < bounds.maxRequests && Date.now() < bounds.deadline) {
    sent++;
    const phase = bounds.phase();
    record.sent[phase]++;
    const started = performance.now();
    try {
      // As browsers do: a GET that met a keep-alive connection the router was closing is sent once more.
      const { status, body } = await getOnce(port, agent).catch((error: unknown) => {
        if (!(error instanceof StaleConnection)) throw error;
        record.resent++;
        return getOnce(port, agent);
      });
      record.latencies[phase].push(performance.now() - started);
      if (status >= 500) record.fail(phase, `${kind}: HTTP ${status} ${body.trim().slice(0, 80)}`);
      else {
        const version = (JSON.parse(body) as { version: string }).version;
        record.versions.set(version, (record.versions.get(version) ?? 0) + 1);
      }
    } catch (error) {
      record.fail(phase, `${kind}: ${(error as Error).message}`);
    }
    // Paced (≤ 100 requests/s per client): a saturated 2-core machine would measure its own queue.
    if (paced) await new Promise((r) => setTimeout(r, PACE_MS));
    else await new Promise((r) => setImmediate(r));
  }
  if (agent) agent.destroy();
}

/** One WebSocket session: pings every `intervalMs`, counts echoes; resolves with how it ended. */
function wsSession(
  port: number,
  record: LoadRecord,
  bounds: Bounds,
  intervalMs: number,
): Promise<"drained" | "dropped" | "stopped"> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (how: "drained" | "dropped" | "stopped", why?: string) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (how === "drained") record.wsDrained++;
      if (how === "dropped") {
        record.wsDropped++;
        if (record.examples.length < 5) record.examples.push(`websocket: ${why}`);
      }
      resolve(how);
    };
    socket.on("open", () => {
      record.wsOpened++;
      timer = setInterval(() => {
        if (bounds.stop() || Date.now() >= bounds.deadline) {
          settled = true;
          clearInterval(timer);
          socket.close(1000);
          resolve("stopped");
        } else socket.send("ping");
      }, intervalMs);
    });
    socket.on("message", () => {
      record.wsMessages++;
    });
    socket.on("error", (error) => settle("dropped", error.message));
    socket.on("close", (code, reason) => {
      if (code === 1001) settle("drained");
      else settle("dropped", `closed with ${code} ${String(reason)}`.trim());
    });
  });
}

/** A WebSocket client that reconnects after each session ends, until the bounds say stop. */
export async function wsClient(port: number, record: LoadRecord, bounds: Bounds): Promise<void> {
  let sessions = 0;
  while (!bounds.stop() && Date.now() < bounds.deadline && sessions < bounds.maxRequests) {
    sessions++;
    const how = await wsSession(port, record, bounds, 200);
    if (how === "stopped") return;
    if (how === "dropped") await new Promise((r) => setTimeout(r, 100));
  }
}
