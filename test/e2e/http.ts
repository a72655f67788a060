import { request } from "node:http";

/** What the fixture app (test/e2e/apps/web) answers. */
export interface AppAnswer {
  readonly service: string;
  readonly version: string;
  readonly build: string;
  readonly pid: number;
  readonly boots: number;
  readonly upstream?: AppAnswer;
  /** The Compose port that answered, when it was not the primary one (`PORT_<n>`). */
  readonly port?: number;
}

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/**
 * One request to 127.0.0.1:port on a fresh connection (never a pooled one: a pooled socket may have
 * been closed by a deploy while the test was blocked in a synchronous CLI call); rejects on
 * connection errors and after `timeoutMs`.
 */
export function send(
  port: number,
  options: {
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  } = {},
): Promise<HttpResult> {
  const timeoutMs = options.timeoutMs ?? 8000;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/",
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** One GET of / on a fresh connection. */
export function get(port: number, timeoutMs = 8000): Promise<HttpResult> {
  return send(port, { timeoutMs });
}

/** The app's answer on a published port; throws unless it is a 200. */
export async function answer(port: number): Promise<AppAnswer> {
  const result = await get(port);
  if (result.status !== 200) throw new Error(`HTTP ${result.status}: ${result.body}`);
  return JSON.parse(result.body) as AppAnswer;
}

export interface LoadReport {
  readonly sent: number;
  /** Non-200 answers and connection errors, each described. */
  readonly failures: readonly string[];
  /** How many 200 answers each version gave. */
  readonly versions: Readonly<Record<string, number>>;
}

/**
 * Sends requests one after another (2 in flight) until `stop()` says so, `maxRequests` were sent
 * or `maxMs` passed — whichever comes first — and reports every failure.
 */
export async function load(
  port: number,
  stop: () => boolean,
  /** `pauseMs` between a worker's requests paces the load, so a slow rollout is covered by time, not by count. */
  { maxRequests = 3000, maxMs = 40_000, pauseMs = 0 } = {},
): Promise<LoadReport> {
  const deadline = Date.now() + maxMs;
  const failures: string[] = [];
  const versions: Record<string, number> = {};
  let sent = 0;
  const worker = async () => {
    while (!stop() && sent < maxRequests && Date.now() < deadline) {
      sent++;
      try {
        const result = await get(port);
        if (result.status !== 200) failures.push(`HTTP ${result.status}: ${result.body}`);
        else {
          const { version } = JSON.parse(result.body) as AppAnswer;
          versions[version] = (versions[version] ?? 0) + 1;
        }
      } catch (error) {
        failures.push((error as Error).message);
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all([worker(), worker()]);
  return { sent, failures, versions };
}
