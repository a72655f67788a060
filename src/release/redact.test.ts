import { describe, expect, it } from "vitest";
import { REDACTED, redactValue } from "./redact.js";

describe("redactValue", () => {
  it.each([
    ["BOT_TOKEN", "123:abc", REDACTED],
    ["API_SECRET", "s3cret", REDACTED],
    ["POSTGRES_PASSWORD", "pw", REDACTED],
    ["STRIPE_API_KEY", "sk_live", REDACTED],
    ["DATABASE_URL", "postgres://app:hunter2@db:5432/app", `postgres://app:${REDACTED}@db:5432/app`],
    ["REDIS_URL", "redis://cache:6379", "redis://cache:6379"],
    ["LOG_LEVEL", "debug", "debug"],
    ["MONKEY", "banana", "banana"],
  ])("%s=%s is shown as %s", (name, value, shown) => {
    expect(redactValue(name, value)).toBe(shown);
  });

  it("shows a secret reference as it is: it names the secret, not its value", () => {
    expect(redactValue("BOT_TOKEN", "$" + "{secret:bot_token@2}")).toBe("$" + "{secret:bot_token@2}");
  });

  it("keeps an unset value unset", () => {
    expect(redactValue("TOKEN", null)).toBeNull();
  });
});
