import { SlipwayError } from "../errors.js";
import { ALERT_RULES, type AlertRuleName } from "../manifest/schema/alert-rules.js";
import type { Agent } from "./agent.js";
import { type Handler, readJson, sendJson } from "./http.js";

/** `slipway alerts`: the alerts as the agent evaluates them, and silences. */
export function alertRoutes(agent: Agent): Record<string, Handler> {
  return {
    "GET /v1/alerts": async (_req, res) => sendJson(res, 200, agent.observer.alerts.view()),
    "POST /v1/alerts/silence": async (req, res) => {
      const { rule, forMs } = (await readJson(req)) as { rule?: string; forMs?: number };
      if (!ALERT_RULES.includes(rule as AlertRuleName))
        throw new SlipwayError({
          code: "E_ALERT_RULE",
          message: `no alert rule ${rule}`,
          hint: `rules: ${ALERT_RULES.join(", ")}`,
        });
      if (typeof forMs !== "number" || !(forMs >= 0))
        throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "silence needs {rule, forMs}" });
      agent.observer.alerts.silence(rule as AlertRuleName, forMs);
      sendJson(res, 200, agent.observer.alerts.view());
    },
  };
}
