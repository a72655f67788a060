import { SlipwayError } from "../errors.js";

export type SecretErrorCode =
  | "E_SECRET_NAME"
  | "E_SECRET_NOT_FOUND"
  | "E_SECRET_KEY"
  | "E_SECRET_TOO_LARGE"
  | "E_SECRET_SOURCE";

/** A secret that cannot be stored, found or read; never carries the secret's value. */
export class SecretError extends SlipwayError {
  constructor(code: SecretErrorCode, message: string, hint?: string, cause?: unknown) {
    super({ code, message, hint }, cause === undefined ? undefined : { cause });
  }
}
