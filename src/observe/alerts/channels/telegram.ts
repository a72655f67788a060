import { noticeText } from "../format.js";
import { type AlertChannel, credential, postJson } from "./channel.js";

/** The Telegram Bot API's `sendMessage` to one chat; the bot token comes from the environment. */
export function telegramChannel(
  config: { readonly token_env: string; readonly chat_id: string; readonly api_url: string },
  env: NodeJS.ProcessEnv,
): AlertChannel {
  return {
    type: "telegram",
    send: (notice) => {
      const token = credential(env, config.token_env, "telegram");
      const url = `${config.api_url.replace(/\/$/, "")}/bot${token}/sendMessage`;
      return postJson(url, { chat_id: config.chat_id, text: noticeText(notice) }, "telegram");
    },
  };
}
