import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { loadManifest } from "../../../manifest/load.js";
import { createSelfSigned } from "../../../router/tls/self-signed.js";
import { tempSecretStore } from "../../../secrets/test-support.js";
import { alertsOf } from "../config.js";
import type { AlertNotice } from "../model.js";
import { FakeHttpReceiver, SmtpReceiver } from "../testing/receivers.js";
import { credentialsOf } from "./channel.js";
import { createChannel } from "./registry.js";

const NOTICE: AlertNotice = {
  kind: "firing",
  alert: {
    rule: "instance_down",
    key: "instance_down:shop/api",
    project: "shop",
    service: "api",
    severity: "critical",
    summary: "shop/api: 1 of 1 instances down",
    status: "firing",
    since: Date.now(),
    notices: 0,
  },
};

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function load(alerts: string) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-credentials-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "compose.yaml"),
    `name: shop\nservices:\n  api: { image: node:20 }\nx-slipway:\n  alerts:\n    channels:\n${alerts}`,
  );
  return loadManifest({ cwd: dir, env: {} });
}

describe("alert channel credentials", () => {
  it("come from the project's secret store (`*_secret`), read when a notice is sent", async () => {
    const { store } = tempSecretStore();
    const [telegram, slack] = [await FakeHttpReceiver.start(), await FakeHttpReceiver.start()];
    const tls = await createSelfSigned(["127.0.0.1"], new Date(), 1);
    const smtp = await SmtpReceiver.start(tls, "smtp-from-the-store");
    stops.push(
      () => telegram.stop(),
      () => slack.stop(),
      () => smtp.stop(),
    );
    const ca = join(mkdtempSync(join(tmpdir(), "slipway-ca-")), "ca.pem");
    onTestFinished(() => rmSync(join(ca, ".."), { recursive: true, force: true }));
    writeFileSync(ca, tls.cert);
    const { spec, problems } =
      load(`      tg: { type: telegram, token_secret: tg_token, chat_id: 7, api_url: "${telegram.url}" }
      chat: { type: slack, url_secret: slack_webhook }
      mail: { type: email, host: 127.0.0.1, port: ${smtp.port}, username: ops, password_secret: smtp_password, from: a@shop.test, to: [b@shop.test], ca_file: ${ca} }
`);
    expect(problems.filter((p) => p.severity !== "warning")).toEqual([]);
    await store.set("shop", "tg_token", "111:from-the-store");
    await store.set("shop", "slack_webhook", `${slack.url}/services/T1/B1/stored`);
    await store.set("shop", "smtp_password", "smtp-from-the-store");
    // No environment at all: every credential comes from the store.
    const credentials = credentialsOf({}, "shop", (project, name) => store.get(project, name));
    const channels = alertsOf(spec!).channels;
    for (const config of Object.values(channels))
      await createChannel(config, credentials, 60_000).send(NOTICE);
    expect(telegram.received.map((r) => r.path)).toEqual(["/bot111:from-the-store/sendMessage"]);
    expect(slack.received.map((r) => r.path)).toEqual(["/services/T1/B1/stored"]);
    expect(smtp.mails).toMatchObject([{ user: "ops", secure: true, to: ["b@shop.test"] }]);

    // A rotated secret is used at the next send.
    await store.set("shop", "tg_token", "222:rotated");
    await createChannel(channels.tg!, credentials, 60_000).send(NOTICE);
    expect(telegram.received.map((r) => r.path).at(-1)).toBe("/bot222:rotated/sendMessage");
  });

  it("fail with E_ALERT_CHANNEL naming the secret or variable that is missing, never a value", async () => {
    const { store } = tempSecretStore();
    await store.set("shop", "other", "not-this-one");
    const credentials = credentialsOf({ SET: "env-value" }, "shop", (p, n) => store.get(p, n));
    await expect(credentials({ secret: "tg_token" }, "telegram")).rejects.toMatchObject({
      code: "E_ALERT_CHANNEL",
      message: "telegram: secret tg_token of shop cannot be read (E_SECRET_NOT_FOUND)",
    });
    await expect(credentials({ env: "MISSING" }, "slack")).rejects.toMatchObject({
      code: "E_ALERT_CHANNEL",
      message: "slack: environment variable MISSING is not set in the agent's environment",
    });
    expect(await credentials({ env: "SET" }, "slack")).toBe("env-value");
  });

  it("are never written inline: one of `*_env` or `*_secret`, not both, and no other key", () => {
    const problems = (channel: string) =>
      load(`      c: ${channel}\n`).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems("{ type: telegram, chat_id: 1 }").join()).toContain(
      "needs token_env (an environment variable of the agent) or token_secret (a project secret); a credential is never written inline",
    );
    expect(problems("{ type: slack, url_env: A, url_secret: b }").join()).toContain(
      "give url_env or url_secret, not both",
    );
    expect(problems('{ type: slack, url: "https://hooks.example/T0/B0/x" }').join()).toMatch(/url/);
    expect(problems('{ type: telegram, token: "123:abc", chat_id: 1 }').join()).toMatch(/token/);
    expect(problems("{ type: slack, url_secret: 'bad name' }").join()).toContain(
      "must be the name of a project secret",
    );
    expect(problems("{ type: email, host: h, from: a@b, to: [c@d], password_secret: smtp }")).toEqual([]);
  });
});
