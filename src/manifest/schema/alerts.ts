import { z } from "zod";
import { ALERT_RULES } from "./alert-rules.js";
import { Duration, duration } from "./duration.js";
import { composeObject } from "./object.js";
import { bool, int, num } from "./scalars.js";

/** An environment variable's name: credentials are read from the agent's environment, never written inline. */
const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "must be the name of an environment variable, such as SLACK_WEBHOOK_URL",
  );

/** A secret of the project's store (`slipway secret set NAME`), read by the agent when it sends. */
const secretName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "must be the name of a project secret, such as slack_webhook");

/** Exactly one of `<key>_env` and `<key>_secret` (or at most one, when the credential is optional). */
const oneSource =
  (key: string, required: boolean) =>
  (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const given = [`${key}_env`, `${key}_secret`].filter((k) => value[k] !== undefined);
    if (given.length > 1 || (required && given.length === 0))
      ctx.addIssue({
        code: "custom",
        path: [given.length > 1 ? `${key}_secret` : `${key}_env`],
        message:
          given.length > 1
            ? `give ${key}_env or ${key}_secret, not both`
            : `needs ${key}_env (an environment variable of the agent) or ${key}_secret (a project secret); a credential is never written inline`,
      });
  };

const channel = z.discriminatedUnion("type", [
  /** POSTs each notice as JSON. */
  composeObject({ type: z.literal("webhook"), url: z.url() }),
  /** A Slack incoming webhook; its URL is a credential: from the environment or a project secret. */
  composeObject({
    type: z.literal("slack"),
    url_env: envName.optional(),
    url_secret: secretName.optional(),
  }).superRefine(oneSource("url", true)),
  /** The Telegram Bot API's sendMessage; the bot token from the environment or a project secret. */
  composeObject({
    type: z.literal("telegram"),
    token_env: envName.optional(),
    token_secret: secretName.optional(),
    chat_id: z.union([z.string(), int]).transform(String),
    /** Default https://api.telegram.org. */
    api_url: z.url().default("https://api.telegram.org"),
  }).superRefine(oneSource("token", true)),
  /** An existing Alertmanager (v2 API), e.g. http://127.0.0.1:9093. */
  composeObject({ type: z.literal("alertmanager"), url: z.url() }),
  /** E-mail over SMTP; STARTTLS is required unless `starttls: false`. */
  composeObject({
    type: z.literal("email"),
    host: z.string(),
    /** Default 587. */
    port: int.default(587),
    /** Default true: the connection must be upgraded with STARTTLS before anything is sent. */
    starttls: bool.default(true),
    username: z.string().optional(),
    password_env: envName.optional(),
    password_secret: secretName.optional(),
    from: z.string(),
    to: z.array(z.string()).min(1),
    /** PEM file of a private server's CA, trusted besides the system's. Default none. */
    ca_file: z.string().optional(),
  }).superRefine(oneSource("password", false)),
]);

/** Top-level `x-slipway.alerts`. */
export const alerts = composeObject({
  /** How often the rules are evaluated. Default 15s. */
  interval: duration.default(new Duration(15_000)),
  /** A firing alert is sent again this often. Default 4h. */
  repeat: duration.default(new Duration(4 * 3_600_000)),
  /** Wait before retrying a failed delivery; each later wait is 4× longer, 3 retries. Default 2s. */
  retry_backoff: duration.default(new Duration(2_000)),
  /** `certificate_expiring` fires this many days before expiry. Default 14. */
  certificate_days: int.pipe(z.number().min(0)).default(14),
  /** `disk_full` fires above this percentage used. Default 90. */
  disk_percent: int.pipe(z.number().min(0).max(100)).default(90),
  /** `backup_stale` allows this much past the backup schedule. Default 1h. */
  backup_grace: duration.default(new Duration(3_600_000)),
  /** `error_rate`: a routed service's share of 5xx and failed requests through the router over `window`. */
  error_rate: composeObject({
    /** Fires above this percentage of requests. Default 5. */
    percent: num.pipe(z.number().min(0).max(100)).default(5),
    /** Default 5m. */
    window: duration.default(new Duration(300_000)),
    /** Fewer requests in the window decide nothing. Default 20. */
    min_requests: int.pipe(z.number().int().min(1)).default(20),
  }).prefault({}),
  /** `latency_p95`: the 95th percentile of a routed HTTP route's request durations through the router over `window`. */
  latency_p95: composeObject({
    /** Fires above this many milliseconds. Default 1000. */
    ms: num.pipe(z.number().min(0)).default(1000),
    /** Default 5m. */
    window: duration.default(new Duration(300_000)),
    /** Fewer completed requests in the window decide nothing. Default 20. */
    min_requests: int.pipe(z.number().int().min(1)).default(20),
  }).prefault({}),
  /** Built-in rules turned off. Default none. */
  disabled: z.array(z.enum(ALERT_RULES)).default([]),
  /** Where notices go, by name. Default none (alerts are still evaluated and listed). */
  channels: z.record(z.string(), channel).default({}),
});
