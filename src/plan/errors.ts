import type { ErrorCatalogue } from "../errors.js";

/** Codes of the plan stage. */
export const PLAN_ERRORS = {
  E_PLAN_CYCLE: "services depend on each other in a loop (printed with the loop)",
} as const satisfies ErrorCatalogue;
