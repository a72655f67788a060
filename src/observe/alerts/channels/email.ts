import { readFile } from "node:fs/promises";
import { SlipwayError } from "../../../errors.js";
import { noticeText, noticeTitle } from "../format.js";
import type { AlertChannel, Credentials } from "./channel.js";

export interface EmailChannelConfig {
  readonly host: string;
  readonly port: number;
  readonly starttls: boolean;
  readonly username?: string | undefined;
  readonly password_env?: string | undefined;
  readonly password_secret?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  readonly ca_file?: string | undefined;
}

/**
 * E-mail over SMTP with nodemailer. With `starttls` (the default) the connection must be upgraded
 * before authenticating or sending; the password comes from the environment or a project secret at each send.
 * `ca_file` trusts a private server's CA besides the system's.
 */
export function emailChannel(config: EmailChannelConfig, credentials: Credentials): AlertChannel {
  return {
    type: "email",
    send: async (notice) => {
      const ref = { env: config.password_env, secret: config.password_secret };
      const pass = ref.env || ref.secret ? await credentials(ref, "email") : undefined;
      const ca = config.ca_file ? await readFile(config.ca_file, "utf8") : undefined;
      // nodemailer loads with the first e-mail, not with the agent.
      const { createTransport } = await import("nodemailer");
      const transport = createTransport({
        host: config.host,
        port: config.port,
        secure: false,
        requireTLS: config.starttls,
        ignoreTLS: !config.starttls,
        tls: ca ? { ca } : {},
        ...(config.username ? { auth: { user: config.username, pass: pass ?? "" } } : {}),
        connectionTimeout: 10_000,
        socketTimeout: 10_000,
      });
      try {
        await transport.sendMail({
          from: config.from,
          to: [...config.to],
          subject: noticeTitle(notice),
          text: noticeText(notice),
        });
      } catch (error) {
        throw new SlipwayError({ code: "E_ALERT_DELIVERY", message: `email: ${(error as Error).message}` });
      } finally {
        transport.close();
      }
    },
  };
}
