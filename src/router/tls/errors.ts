import { SlipwayError } from "../../errors.js";
import type { RouterStageErrorCode } from "../errors.js";

/** Codes of certificate failures; the agent turns them into events. */
export type TlsErrorCode = Extract<RouterStageErrorCode, `E_TLS_${string}` | `E_ACME_${string}`>;

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
