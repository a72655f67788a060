import type { RouterConfig } from "../model.js";

/** What the router's primary process asks one of its workers (over the cluster IPC channel). */
export type FleetRequest =
  | { readonly id: number; readonly op: "apply"; readonly config: RouterConfig }
  | { readonly id: number; readonly op: "inflight"; readonly upstream: string }
  | { readonly id: number; readonly op: "stats"; readonly route: string }
  | { readonly id: number; readonly op: "reset"; readonly route: string }
  | { readonly id: number; readonly op: "metrics" };

/** A worker's answer to one request; an error keeps its code, message and hint. */
export type FleetReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly code?: string; readonly message: string; readonly hint?: string };
    };

/** Sent once by a worker when it listens for requests. */
export const READY = { op: "ready" } as const;
