import type { AlertsConfig } from "../config.js";
import { alertmanagerChannel } from "./alertmanager.js";
import type { AlertChannel, Credentials } from "./channel.js";
import { emailChannel } from "./email.js";
import { slackChannel } from "./slack.js";
import { telegramChannel } from "./telegram.js";
import { webhookChannel } from "./webhook.js";

/** A channel as the loaded manifest holds it. */
type AlertChannelConfig = AlertsConfig["channels"][string];

/** The channel a manifest describes; credentials are read through `credentials` when a notice is sent. */
export function createChannel(
  config: AlertChannelConfig,
  credentials: Credentials,
  repeatMs: number,
): AlertChannel {
  switch (config.type) {
    case "webhook":
      return webhookChannel(config.url);
    case "slack":
      return slackChannel({ env: config.url_env, secret: config.url_secret }, credentials);
    case "telegram":
      return telegramChannel(config, credentials);
    case "alertmanager":
      return alertmanagerChannel(config.url, repeatMs);
    case "email":
      return emailChannel(config, credentials);
  }
}
