import type { AlertsConfig } from "../config.js";
import { alertmanagerChannel } from "./alertmanager.js";
import type { AlertChannel } from "./channel.js";
import { emailChannel } from "./email.js";
import { slackChannel } from "./slack.js";
import { telegramChannel } from "./telegram.js";
import { webhookChannel } from "./webhook.js";

/** A channel as the loaded manifest holds it. */
type AlertChannelConfig = AlertsConfig["channels"][string];

/** The channel a manifest describes; credentials are read from `env` when a notice is sent. */
export function createChannel(
  config: AlertChannelConfig,
  env: NodeJS.ProcessEnv,
  repeatMs: number,
): AlertChannel {
  switch (config.type) {
    case "webhook":
      return webhookChannel(config.url);
    case "slack":
      return slackChannel(config.url_env, env);
    case "telegram":
      return telegramChannel(config, env);
    case "alertmanager":
      return alertmanagerChannel(config.url, repeatMs);
    case "email":
      return emailChannel(config, env);
  }
}
