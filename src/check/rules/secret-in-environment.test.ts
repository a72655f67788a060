import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { secretInEnvironment } from "./secret-in-environment.js";

const TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const AWS = "AKIAIOSFODNN7EXAMPLE";

describe("E_CHECK_SECRET_IN_ENV", () => {
  it("flags secret-named variables with literal values, without printing the values", () => {
    const findings = check(
      secretInEnvironment,
      `
      services:
        db:
          image: postgres:16
          environment:
            POSTGRES_PASSWORD: s3cr3t-pw
        bot:
          image: acme/bot:1
          environment:
            - jwtSecret=hunter2hunter2
            - STRIPE_API_KEY=sk_live_abcdef
            - DB_PASS=letmein
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_SECRET_IN_ENV services.db.environment.POSTGRES_PASSWORD",
      "E_CHECK_SECRET_IN_ENV services.bot.environment.jwtSecret",
      "E_CHECK_SECRET_IN_ENV services.bot.environment.STRIPE_API_KEY",
      "E_CHECK_SECRET_IN_ENV services.bot.environment.DB_PASS",
    ]);
    const text = JSON.stringify(findings);
    for (const secret of ["s3cr3t-pw", "hunter2", "sk_live", "letmein"]) expect(text).not.toContain(secret);
  });

  it("takes a slipway secret reference for what it is: not a leak", () => {
    const findings = check(
      secretInEnvironment,
      `
      services:
        bot:
          image: acme/bot:1
          environment:
            BOT_TOKEN: "$\{secret:bot_token}"
            API_TOKEN: "Bearer $\{secret:api_token}"
      `,
    );
    expect(hitsOf(findings)).toEqual([]);
  });

  it("flags secret-shaped values under any name, without printing them", () => {
    const findings = check(
      secretInEnvironment,
      `
      services:
        bot:
          image: acme/bot:1
          environment:
            TG: "${TELEGRAM}"
            SIGNING: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----"
            AWS_ACCESS_KEY_ID: ${AWS}
            DATABASE_URL: postgres://app:pgpass42@db:5432/app
      `,
    );
    expect(findings.map((f) => f.message)).toEqual([
      'service "bot" sets TG to a Telegram bot token in `environment`',
      'service "bot" sets SIGNING to a private key in `environment`',
      'service "bot" sets AWS_ACCESS_KEY_ID to an AWS access key in `environment`',
      'service "bot" sets DATABASE_URL to a URL with a password in `environment`',
    ]);
    const text = JSON.stringify(findings);
    for (const secret of [TELEGRAM, "MIIEow", AWS, "pgpass42"]) expect(text).not.toContain(secret);
  });

  it("accepts empty values, file pointers, settings about secrets, and plain values", () => {
    const findings = check(
      secretInEnvironment,
      `
      services:
        db:
          image: postgres:16
          secrets: [db_password]
          environment:
            POSTGRES_PASSWORD_FILE: /run/secrets/db_password
            POSTGRES_PASSWORD: ""
            REDIS_PASSWORD:
            TOKEN_TTL: "3600"
            PASSWORD_AUTH_ENABLED: "true"
            SECRET_NAME: prod-db
            PASSPORT_STRATEGY: local
            DATABASE_URL: postgres://app@db:5432/app
            GREETING: "hello: world"
            ADMIN_TOKEN: "$$ADMIN_TOKEN"
            BOT_TOKEN: /run/secrets/bot_token
      secrets:
        db_password: { file: ./db_password.txt }
      `,
    );
    expect(findings).toEqual([]);
  });
});

describe("E_CHECK_SECRET_IN_ENV and references", () => {
  it("does not flag values that come from variables or the environment", () => {
    const findings = check(
      secretInEnvironment,
      `
      services:
        db:
          image: postgres:16
          environment:
            POSTGRES_PASSWORD: \${PW}
            BOT_TOKEN:
        bot:
          image: acme/bot:1
          environment:
            - DB_PASS=\${PW:-x}
            - API_TOKEN=literal-token-value
      `,
      { PW: "hunter2hunter2", BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" },
    );
    expect(hitsOf(findings)).toEqual(["E_CHECK_SECRET_IN_ENV services.bot.environment.API_TOKEN"]);
    expect(findings[0]?.location?.line).toBe(11);
  });
});
