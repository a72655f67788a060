import { noticeText } from "../format.js";
import { type AlertChannel, type Credentials, postJson } from "./channel.js";

/** The Telegram Bot API's `sendMessage` to one chat; the bot token comes from the environment or a secret. */
export function telegramChannel(
  config: {
    readonly token_env?: string | undefined;
    readonly token_secret?: string | undefined;
    readonly chat_id: string;
    readonly api_url: string;
  },
  credentials: Credentials,
): AlertChannel {
  return {
    type: "telegram",
    send: async (notice) => {
      const token = await credentials({ env: config.token_env, secret: config.token_secret }, "telegram");
      const url = `${config.api_url.replace(/\/$/, "")}/bot${token}/sendMessage`;
      return postJson(url, { chat_id: config.chat_id, text: noticeText(notice) }, "telegram");
    },
  };
}
