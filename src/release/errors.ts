import { type ErrorCatalogue, SlipwayError } from "../errors.js";

/** Codes of the release stage: freezing a release's inputs, building its artifacts, choosing one to return to. */
export const RELEASE_ERRORS = {
  E_ENV_FILE_MISSING: "a required `env_file` (or a secret's or config's `file:`) does not exist",
  E_ENV_FILE_NOT_REGULAR: "an input file is a FIFO, a device or a directory (reading it could block)",
  E_ENV_FILE_TOO_LARGE: "an `env_file` or a secret's `file:` is larger than such a file can sensibly be",
  E_CONFIG_SOURCE_MISSING:
    "a top-level config's `environment:` variable is not set where the release is made",
  E_SECRET_SOURCE_MISSING:
    "a top-level secret's `environment:` variable is not set where the release is made",
  E_BUILD_FAILED: "a service's build command failed; nothing of the release was started",
  E_BUILD_USER: "the agent runs as root and the unprivileged build user cannot be found or made",
  E_ROLLBACK_NO_RELEASE: "there is no earlier release (or none with that id) to roll back to",
  E_ROLLBACK_BAD_RELEASE: "the release named failed or was never built",
} as const satisfies ErrorCatalogue;

export type ReleaseErrorCode = keyof typeof RELEASE_ERRORS;

/** A release that could not be made; `code` says which input. */
export class ReleaseError extends SlipwayError {
  declare readonly code: ReleaseErrorCode;

  constructor(code: ReleaseErrorCode, message: string, hint: string) {
    super({ code, message, hint });
  }
}
