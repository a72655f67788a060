import { SlipwayError } from "../../errors.js";

/** Stable codes of certificate failures; the agent turns them into events. */
export type TlsErrorCode =
  | "E_TLS_DOMAINS"
  | "E_TLS_FILES"
  | "E_TLS_STATE"
  | "E_ACME_ACCOUNT"
  | "E_ACME_ORDER"
  | "E_ACME_CHALLENGE"
  | "E_ACME_FINALIZE"
  | "E_ACME_CERTIFICATE";

/** A certificate that could not be made, read or obtained; `code` says which step failed. */
export class TlsError extends SlipwayError {
  declare readonly code: TlsErrorCode;

  constructor(code: TlsErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super({ code, message, hint }, options);
  }
}

/** The message of whatever was thrown, for wrapping library errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
