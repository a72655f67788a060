import { SlipwayError } from "../errors.js";
import type { DeployErrorCode } from "./errors.js";

/** A deploy step that failed; the message says which service, which probe or command, and its last output. */
export class DeployFailure extends SlipwayError {
  declare readonly code: DeployErrorCode;

  constructor(code: DeployErrorCode, message: string, hint?: string) {
    super({ code, message, hint });
  }
}
