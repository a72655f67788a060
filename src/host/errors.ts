import type { ErrorCatalogue } from "../errors.js";

/** Codes of what slipway needs from the machine itself. */
export const HOST_ERRORS = {
  E_NATIVE_MISSING_BINARY: "a program slipway needs (postgres, redis-server, pg_dump …) is not installed",
} as const satisfies ErrorCatalogue;
