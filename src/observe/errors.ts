import type { ErrorCatalogue } from "../errors.js";

/** Codes of metrics and alerts. */
export const OBSERVE_ERRORS = {
  E_OBSERVE_LISTEN: "the metrics endpoint could not listen on its address (in use, or not local)",
  E_ALERT_RULE: "`alerts silence` named a rule that does not exist",
  E_ALERT_CHANNEL:
    "an alert channel's credential is missing (its environment variable is not set, or its project secret cannot be read)",
  E_ALERT_DELIVERY: "an alert channel refused a notice or could not be reached",
} as const satisfies ErrorCatalogue;
