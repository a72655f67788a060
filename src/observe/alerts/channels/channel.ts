import { SlipwayError } from "../../../errors.js";
import type { AlertNotice } from "../model.js";

/** Somewhere notices go. `send` throws a SlipwayError whose message never holds a credential. */
export interface AlertChannel {
  readonly type: string;
  send(notice: AlertNotice): Promise<void>;
}

/** Where a channel's credential comes from: `*_env` (the agent's environment) or `*_secret` (the project's store). */
export interface CredentialRef {
  readonly env?: string | undefined;
  readonly secret?: string | undefined;
}

/** Reads a channel's credential when a notice is sent (so a rotated secret is used at once). */
export type Credentials = (ref: CredentialRef, what: string) => Promise<string>;

/**
 * The credentials of one project's channels: environment variables of the agent, and the project's
 * secrets through `secret` (the agent's secret store). E_ALERT_CHANNEL when one is missing; the
 * message names the variable or secret, never a value.
 */
export function credentialsOf(
  env: NodeJS.ProcessEnv,
  project: string,
  secret?: (project: string, name: string) => Promise<string>,
): Credentials {
  return async (ref, what) => {
    if (ref.secret !== undefined) {
      if (!secret)
        throw new SlipwayError({
          code: "E_ALERT_CHANNEL",
          message: `${what}: no secret store to read ${ref.secret} from`,
        });
      return secret(project, ref.secret).catch((error: SlipwayError) => {
        throw new SlipwayError({
          code: "E_ALERT_CHANNEL",
          message: `${what}: secret ${ref.secret} of ${project} cannot be read (${error.code ?? "error"})`,
          hint: `store it with \`slipway secret set ${ref.secret} -p ${project}\``,
        });
      });
    }
    const value = ref.env === undefined ? undefined : env[ref.env];
    if (!value)
      throw new SlipwayError({
        code: "E_ALERT_CHANNEL",
        message: `${what}: environment variable ${ref.env} is not set in the agent's environment`,
        hint: `set ${ref.env} where the agent starts (\`slipway agent stop\`, then run a command with it set)`,
      });
    return value;
  };
}

/** POSTs JSON with a time limit; a status ≥ 300 is a failure whose text names `what`, never the URL. */
export async function postJson(url: string, body: unknown, what: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: Error) => {
    const cause = (error.cause as Error | undefined)?.message ?? error.message;
    throw new SlipwayError({ code: "E_ALERT_DELIVERY", message: `${what}: ${cause}` });
  });
  const text = await response.text().catch(() => "");
  if (response.status >= 300)
    throw new SlipwayError({
      code: "E_ALERT_DELIVERY",
      message: `${what} answered ${response.status}: ${text.slice(0, 200)}`,
    });
}
