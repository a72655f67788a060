import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import { createSelfSigned } from "../../router/tls/self-signed.js";
import { openTestState, sampleRelease } from "../../state/test-support.js";
import { AlertEngine } from "./engine.js";
import { FakeHttpReceiver, SmtpReceiver } from "./testing/receivers.js";

const TOKEN = "123456:fake-bot-token";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(withCredentials = true) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-alerts-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const [hook, telegram, slack] = [
    await FakeHttpReceiver.start(),
    await FakeHttpReceiver.start(),
    await FakeHttpReceiver.start(),
  ];
  const tls = await createSelfSigned(["127.0.0.1"], new Date(), 1);
  writeFileSync(join(dir, "ca.pem"), tls.cert);
  const smtp = await SmtpReceiver.start(tls, "smtp-secret");
  cleanups.push(
    () => hook.stop(),
    () => telegram.stop(),
    () => slack.stop(),
    () => smtp.stop(),
  );
  writeFileSync(
    join(dir, "compose.yaml"),
    `name: shop
services:
  api: { image: node:20 }
x-slipway:
  alerts:
    repeat: 1h
    disabled: [disk_full]
    channels:
      hook: { type: webhook, url: "${hook.url}/alerts" }
      tg: { type: telegram, token_env: TG_TOKEN, chat_id: 42, api_url: "${telegram.url}" }
      chat: { type: slack, url_env: SLACK_URL }
      mail: { type: email, host: 127.0.0.1, port: ${smtp.port}, username: ops, password_env: SMTP_PASSWORD, from: slipway@shop.test, to: [ops@shop.test], ca_file: ${join(dir, "ca.pem")} }
`,
  );
  const { spec, problems } = loadManifest({ cwd: dir, env: {} });
  expect(problems.filter((p) => p.severity !== "warning")).toEqual([]);
  const store = openTestState();
  const release = store.insertRelease(sampleRelease("shop"));
  const instance = (state: "exited" | "healthy") =>
    store.upsertInstance({
      id: "shop.api.r1.0",
      project: "shop",
      service: "api",
      releaseId: release.id,
      serviceHash: "h",
      index: 0,
      pid: 1,
      startTime: "1",
      startedAt: 0,
      port: null,
      state,
      restarts: 3,
      lastExitCode: state === "exited" ? 1 : null,
    });
  const env = {
    TG_TOKEN: TOKEN,
    SLACK_URL: `${slack.url}/services/T0/B0/fake`,
    SMTP_PASSWORD: "smtp-secret",
  };
  const ledgerFile = join(dir, "home", "alerts.json");
  const engine = new AlertEngine({
    source: {
      store,
      projects: () => ["shop"],
      activeSpec: () => spec,
      cronOf: () => undefined,
      backups: async () => [],
      certificates: async () => [],
      diskPaths: () => [],
      routeFigures: async () => undefined,
      routeLatencies: async () => ({ bounds: [], routes: {} }),
    },
    ledgerFile,
    env: withCredentials ? env : {},
    backoffMs: [20, 20],
  });
  cleanups.push(() => engine.stop());
  return { store, engine, hook, telegram, slack, smtp, instance, ledgerFile };
}

describe("alerts", () => {
  it("fire once to every channel, repeat after `repeat`, resolve with a notice, and stay quiet while silenced", async () => {
    const { engine, hook, telegram, slack, smtp, instance, store } = await setup();
    instance("exited");
    // A minute on: the exit is past the grace a restart policy gets.
    const t0 = Date.now() + 60_000;
    await engine.evaluate(t0);
    await engine.evaluate(t0 + 1000);
    await engine.idle();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({
      path: "/alerts",
      body: { kind: "firing", rule: "instance_down", project: "shop", service: "api", severity: "critical" },
    });
    expect(telegram.received).toEqual([
      {
        path: `/bot${TOKEN}/sendMessage`,
        body: { chat_id: "42", text: expect.stringMatching(/^\[FIRING\] instance_down shop\/api\n/) },
      },
    ]);
    expect(slack.received).toEqual([
      { path: "/services/T0/B0/fake", body: { text: expect.stringContaining("1 of 1 instances down") } },
    ]);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ to: ["ops@shop.test"], user: "ops", secure: true });
    expect(smtp.mails[0]!.data).toContain("Subject: [FIRING] instance_down shop/api");

    await engine.evaluate(t0 + 3_600_000);
    await engine.idle();
    expect(hook.received.map((r) => (r.body as { kind: string }).kind)).toEqual(["firing", "repeat"]);

    instance("healthy");
    await engine.evaluate(t0 + 3_601_000);
    await engine.idle();
    expect(hook.received.map((r) => (r.body as { kind: string }).kind)).toEqual([
      "firing",
      "repeat",
      "resolved",
    ]);
    expect(smtp.mails.map((m) => /Subject: (\S+)/.exec(m.data)?.[1])).toEqual([
      "[FIRING]",
      "[STILL",
      "[RESOLVED]",
    ]);
    expect(engine.view(t0 + 3_601_000)).toMatchObject({
      firing: [],
      recent: [{ rule: "instance_down", notices: 2 }],
    });

    engine.silence("instance_down", 2 * 3_600_000, t0 + 3_602_000);
    instance("exited");
    await engine.evaluate(t0 + 3_603_000);
    await engine.idle();
    expect(hook.received).toHaveLength(3);
    expect(engine.view(t0 + 3_603_000).firing).toMatchObject([{ rule: "instance_down", silenced: true }]);
    expect(store.listEvents("shop").map((e) => e.kind)).toEqual([
      "alert.firing",
      "alert.resolved",
      "alert.silenced",
      "alert.firing",
    ]);
  });

  it("retry a failing delivery, then record the failure where `slipway alerts` shows it, without the token", async () => {
    const { engine, hook, telegram, instance, store, ledgerFile } = await setup();
    hook.status = 500;
    telegram.status = 401;
    instance("exited");
    await engine.evaluate(Date.now() + 60_000);
    await engine.idle();
    expect(hook.received).toHaveLength(3);
    const channels = engine.view().channels;
    expect(channels.find((c) => c.channel === "hook")).toMatchObject({
      type: "webhook",
      failures: 1,
      lastError: expect.stringContaining("webhook answered 500"),
    });
    expect(channels.find((c) => c.channel === "tg")).toMatchObject({
      failures: 1,
      lastError: expect.stringContaining("telegram answered 401"),
    });
    expect(channels.find((c) => c.channel === "mail")).toMatchObject({
      failures: 0,
      lastSuccessAt: expect.any(Number),
    });
    const failures = store.listEvents("shop").filter((e) => e.kind === "alert.delivery-failed");
    expect(failures).toHaveLength(2);
    expect(JSON.stringify([channels, failures, readFileSync(ledgerFile, "utf8")])).not.toContain(
      "fake-bot-token",
    );

    hook.status = 200;
    instance("healthy");
    await engine.evaluate();
    await engine.idle();
    expect(engine.view().channels.find((c) => c.channel === "hook")).toMatchObject({ failures: 0 });
  });

  it("name a missing credential instead of sending", async () => {
    const { engine, instance } = await setup(false);
    instance("exited");
    await engine.evaluate(Date.now() + 60_000);
    await engine.idle();
    expect(engine.view().channels.find((c) => c.channel === "chat")).toMatchObject({
      lastError: "slack: environment variable SLACK_URL is not set in the agent's environment",
    });
  });
});
