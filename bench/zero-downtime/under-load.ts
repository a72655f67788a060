import { type Bounds, httpClient, LoadRecord, type Phase, wsClient } from "./load.js";

const STEADY_MS = 4000;
export const DEPLOYS = 10;
export const KEEP_ALIVE_CLIENTS = 3;
export const FRESH_CLIENTS = 2;
export const WS_CLIENTS = 6;

/** What one row measured. */
export interface Outcome {
  readonly record: LoadRecord;
  /** Canary analysis verdicts (pass, inconclusive, fail) over all deploys. */
  readonly verdicts: Record<string, number>;
  readonly deploysOk: number;
  readonly deployErrors: string[];
  readonly seconds: number;
}

/**
 * The load every row runs against `port` (keep-alive, new-connection and WebSocket clients, all
 * bounded), a steady window, then `DEPLOYS` deploys one after another: `deploy(n)` resolves with an
 * error text, or undefined when deploy n succeeded.
 */
export async function deploysUnderLoad(
  port: number,
  deploy: (n: number) => Promise<string | undefined>,
  /** Keep-alive clients send back to back (as the load did) instead of ≤ 100 requests/s. */
  unpacedKeepAlive = false,
): Promise<Omit<Outcome, "verdicts">> {
  const record = new LoadRecord();
  const deployErrors: string[] = [];
  let deploysOk = 0;
  let phase: Phase = "steady";
  let stopped = false;
  const bounds: Bounds = {
    stop: () => stopped,
    phase: () => phase,
    deadline: Date.now() + 400_000,
    maxRequests: 200_000,
  };
  const load = Promise.all([
    ...Array.from({ length: KEEP_ALIVE_CLIENTS }, () =>
      httpClient(port, true, record, bounds, !unpacedKeepAlive),
    ),
    ...Array.from({ length: FRESH_CLIENTS }, () => httpClient(port, false, record, bounds)),
    ...Array.from({ length: WS_CLIENTS }, () => wsClient(port, record, bounds)),
  ]);
  try {
    await new Promise((r) => setTimeout(r, STEADY_MS));
    phase = "deploys";
    const started = Date.now();
    for (let n = 1; n <= DEPLOYS && Date.now() < bounds.deadline; n++) {
      const error = await deploy(n);
      if (error === undefined) deploysOk++;
      else deployErrors.push(`v${n}: ${error}`);
    }
    const seconds = (Date.now() - started) / 1000;
    // Sessions closed by the last drain reconnect before the load stops.
    await new Promise((r) => setTimeout(r, 1500));
    return { record, deploysOk, deployErrors, seconds };
  } finally {
    stopped = true;
    await load;
  }
}
