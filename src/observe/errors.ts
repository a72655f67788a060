import type { ErrorCatalogue } from "../errors.js";

/** Codes of metrics, alerts and logs. */
export const OBSERVE_ERRORS = {
  E_OBSERVE_LISTEN: "the metrics endpoint could not listen on its address (in use, or not local)",
} as const satisfies ErrorCatalogue;

export type ObserveErrorCode = keyof typeof OBSERVE_ERRORS;
