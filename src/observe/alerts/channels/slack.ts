import { noticeText } from "../format.js";
import { type AlertChannel, type CredentialRef, type Credentials, postJson } from "./channel.js";

/** A Slack incoming webhook: `{text}`. Its URL is a credential, read (environment or secret) at each send. */
export function slackChannel(url: CredentialRef, credentials: Credentials): AlertChannel {
  return {
    type: "slack",
    send: async (notice) => postJson(await credentials(url, "slack"), { text: noticeText(notice) }, "slack"),
  };
}
