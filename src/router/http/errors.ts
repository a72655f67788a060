import { type Problem, SlipwayError } from "../../errors.js";

/** Stable codes of the builtin router's errors. */
export type RouterErrorCode =
  | "E_ROUTER_CONFIG"
  | "E_ROUTER_LISTEN"
  | "E_ROUTER_TLS"
  | "E_ROUTER_ADMIN"
  | "E_ROUTER_ADMIN_UNREACHABLE";

/** A router configuration that cannot be served, or an admin call that failed; `code` says which. */
export class RouterError extends SlipwayError {
  constructor(
    problem: (Problem & { readonly code: RouterErrorCode }) | readonly Problem[],
    options?: { cause?: unknown },
  ) {
    super(problem, options);
  }
}
