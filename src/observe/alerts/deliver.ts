import { setTimeout as sleep } from "node:timers/promises";
import type { AlertChannel } from "./channels/channel.js";
import type { AlertNotice } from "./model.js";

/** Waits between attempts: `first`, then 4× and 16× it (four tries). */
export const backoff = (first: number): readonly number[] => [first, first * 4, first * 16];

/** How one delivery ended after its retries. */
export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly attempts: number };

/** Sends a notice, retrying after each wait of `backoffMs` while it fails. Never throws. */
export async function deliver(
  channel: AlertChannel,
  notice: AlertNotice,
  backoffMs: readonly number[],
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  let error = "";
  for (let attempt = 0; attempt <= backoffMs.length; attempt++) {
    if (attempt > 0) {
      const aborted = await sleep(backoffMs[attempt - 1], undefined, { signal }).then(
        () => false,
        () => true,
      );
      if (aborted) return { ok: false, error: `${error} (stopped before retrying)`, attempts: attempt };
    }
    try {
      await channel.send(notice);
      return { ok: true };
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return { ok: false, error, attempts: backoffMs.length + 1 };
}
