import { type Problem, SlipwayError } from "../../errors.js";
import type { RouterStageErrorCode } from "../errors.js";

/** Codes of the builtin router's errors. */
export type RouterErrorCode = Extract<RouterStageErrorCode, `E_ROUTER_${string}`>;

/** A router configuration that cannot be served, or an admin call that failed; `code` says which. */
export class RouterError extends SlipwayError {
  constructor(
    problem: (Problem & { readonly code: RouterErrorCode }) | readonly Problem[],
    options?: { cause?: unknown },
  ) {
    super(problem, options);
  }
}
