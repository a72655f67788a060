import { noticeJson } from "../format.js";
import type { AlertChannel } from "./channel.js";
import { postJson } from "./channel.js";

/** POSTs each notice as JSON (see format.ts for the body). */
export function webhookChannel(url: string): AlertChannel {
  return { type: "webhook", send: (notice) => postJson(url, noticeJson(notice), "webhook") };
}
