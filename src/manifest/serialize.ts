import { Duration, parseDuration } from "./duration.js";
import type { AppSpec } from "./model.js";

/** Every field of the model that holds a Duration (they serialize as Compose text such as "1m30s"). */
const DURATION_KEYS = new Set([
  "interval",
  "timeout",
  "start_period",
  "start_interval",
  "stop_grace_period",
  "delay",
  "monitor",
  "window",
  "keep_old",
  "pause",
  "drain_timeout",
  "queue_timeout",
  "headers_timeout",
  "idle_timeout",
  "request_timeout",
  "max_p95_latency",
]);

/** The AppSpec as JSON text: how it travels from the CLI to the agent and is kept with each release. */
export function serializeAppSpec(spec: AppSpec): string {
  return JSON.stringify(spec);
}

/** Reads back what `serializeAppSpec` wrote, with Durations restored; the result is frozen like a loaded spec. */
export function deserializeAppSpec(text: string): AppSpec {
  const spec = JSON.parse(text, (key, value: unknown) => {
    if (DURATION_KEYS.has(key) && typeof value === "string") {
      const ms = parseDuration(value);
      if (ms !== undefined) return new Duration(ms);
    }
    return value;
  }) as AppSpec;
  return deepFreeze(spec);
}

/** Freezes a value and everything inside it, so readonly is true at run time too. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
