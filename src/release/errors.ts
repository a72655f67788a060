import { SlipwayError } from "../errors.js";

/** Stable codes of failures while making a release (freezing its inputs, building its artifacts). */
export type ReleaseErrorCode =
  /** A required `env_file` does not exist. */
  | "E_ENV_FILE_MISSING"
  /** An `env_file` is a FIFO, a device or a directory: reading it could block. */
  | "E_ENV_FILE_NOT_REGULAR"
  /** An `env_file` or a secret's `file:` is larger than a variables file can sensibly be (1 MiB). */
  | "E_ENV_FILE_TOO_LARGE"
  /** A top-level secret's `environment:` variable is not set where the release is made. */
  | "E_SECRET_SOURCE_MISSING"
  /** A service's build command exited non-zero; nothing of the release was started. */
  | "E_BUILD_FAILED";

/** A release that could not be made; `code` says which input. */
export class ReleaseError extends SlipwayError {
  declare readonly code: ReleaseErrorCode;

  constructor(code: ReleaseErrorCode, message: string, hint: string) {
    super({ code, message, hint });
  }
}
