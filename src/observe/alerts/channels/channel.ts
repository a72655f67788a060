import { SlipwayError } from "../../../errors.js";
import type { AlertNotice } from "../model.js";

/** Somewhere notices go. `send` throws a SlipwayError whose message never holds a credential. */
export interface AlertChannel {
  readonly type: string;
  send(notice: AlertNotice): Promise<void>;
}

/** A credential named by `*_env`, from the agent's environment; E_ALERT_CHANNEL when it is not set. */
export function credential(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value)
    throw new SlipwayError({
      code: "E_ALERT_CHANNEL",
      message: `${what}: environment variable ${name} is not set in the agent's environment`,
      hint: `set ${name} where the agent starts (\`slipway agent stop\`, then run a command with it set)`,
    });
  return value;
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
