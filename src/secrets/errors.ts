import { type ErrorCatalogue, SlipwayError } from "../errors.js";

/** Codes of the secret store; their messages never carry a secret's value. */
export const SECRET_ERRORS = {
  E_SECRET_NAME: "a secret name that is not allowed (letters, digits, `_`, `-`, `.`)",
  E_SECRET_NOT_FOUND: "a release names a secret the store does not hold",
  E_SECRET_KEY: "the store's key file is missing, unreadable or not private",
  E_SECRET_TOO_LARGE: "a secret value past the size limit",
  E_SECRET_SOURCE: "`secret set` without a value on standard input or `--from-file`",
} as const satisfies ErrorCatalogue;

export type SecretErrorCode = keyof typeof SECRET_ERRORS;

/** A secret that cannot be stored, found or read; never carries the secret's value. */
export class SecretError extends SlipwayError {
  constructor(code: SecretErrorCode, message: string, hint?: string, cause?: unknown) {
    super({ code, message, hint }, cause === undefined ? undefined : { cause });
  }
}
