import { SlipwayError } from "../../errors.js";
import type { RouterStageErrorCode } from "../errors.js";

/** Codes of the nginx driver's errors. */
export type NginxErrorCode = Extract<RouterStageErrorCode, `E_NGINX_${string}`>;

export interface NginxErrorDetails {
  readonly code: NginxErrorCode;
  readonly message: string;
  readonly hint?: string | undefined;
  /** Key path inside the route model, such as `routes[2].pathPrefix`. */
  readonly path?: string | undefined;
  /** nginx's own words (its stderr, or the error log lines of a failed reload). */
  readonly output?: string | undefined;
  /** The nginx command that failed, as argv. */
  readonly command?: readonly string[] | undefined;
}

/** Something the nginx driver could not do; `code` says what, `output` is nginx's own text. */
export class NginxError extends SlipwayError {
  declare readonly code: NginxErrorCode;
  readonly output: string;
  readonly command: readonly string[] | undefined;
  /** Key path of the offending value in the route model (`E_NGINX_CONFIG`). */
  readonly path: string | undefined;

  constructor(details: NginxErrorDetails, options?: { cause?: unknown }) {
    super({ code: details.code, message: details.message, hint: details.hint, path: details.path }, options);
    this.output = details.output ?? "";
    this.command = details.command;
    this.path = details.path;
  }
}

/** A value of the route model that cannot go into nginx.conf (`E_NGINX_CONFIG`). */
export function configError(path: string, message: string, hint?: string): NginxError {
  return new NginxError({ code: "E_NGINX_CONFIG", message: `${path}: ${message}`, hint, path });
}
