import { noticeText } from "../format.js";
import { type AlertChannel, credential, postJson } from "./channel.js";

/** A Slack incoming webhook: `{text}`. Its URL is a credential, read from the environment at each send. */
export function slackChannel(urlEnv: string, env: NodeJS.ProcessEnv): AlertChannel {
  return {
    type: "slack",
    send: (notice) => postJson(credential(env, urlEnv, "slack"), { text: noticeText(notice) }, "slack"),
  };
}
