import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadManifest } from "./load.js";
import { deserializeAppSpec, serializeAppSpec } from "./serialize.js";

describe("x-slipway.observe and x-slipway.alerts", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-observe-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (slipway: string) => {
    writeFileSync(
      join(dir, "compose.yaml"),
      `name: app\nservices:\n  api: { image: node:22 }\nx-slipway:\n${slipway}`,
    );
    return loadManifest({ cwd: dir, env: {} });
  };
  const codes = (slipway: string) => load(slipway).problems.map((p) => `${p.path}: ${p.message}`);

  it("take a loopback metrics address only", () => {
    for (const ok of ["127.0.0.1:9470", "localhost:9470", "[::1]:9470", "127.1.2.3:1"])
      expect(codes(`  observe: { metrics: "${ok}" }\n`), ok).toEqual([]);
    for (const bad of ["0.0.0.0:9470", "10.0.0.1:9470", "127.0.0.1", "127.0.0.1:70000", "example.com:9470"])
      expect(codes(`  observe: { metrics: "${bad}" }\n`).join(), bad).toContain(
        "must be a loopback host:port",
      );
  });

  it("name credentials by environment variable, never inline, and keep durations through serialization", () => {
    const { spec, problems } = load(`  alerts:
    repeat: 30m
    retry_backoff: 500ms
    channels:
      tg: { type: telegram, token_env: TELEGRAM_BOT_TOKEN, chat_id: 42 }
      mail: { type: email, host: smtp.test, password_env: SMTP_PASSWORD, from: a@b.test, to: [c@d.test] }
`);
    expect(problems).toEqual([]);
    const alerts = deserializeAppSpec(serializeAppSpec(spec!))["x-slipway"].alerts!;
    expect([alerts.repeat.ms, alerts.retry_backoff.ms, alerts.interval.ms]).toEqual([1_800_000, 500, 15_000]);
    expect(alerts.channels.tg).toMatchObject({ chat_id: "42", api_url: "https://api.telegram.org" });
    expect(alerts.channels.mail).toMatchObject({ port: 587, starttls: true });
    expect(
      codes("  alerts: { channels: { tg: { type: telegram, token: '123:abc', chat_id: 1 } } }\n").join(),
    ).toMatch(/token_env/);
    expect(
      codes("  alerts: { channels: { s: { type: slack, url_env: 'https://hooks.slack.test/x' } } }\n").join(),
    ).toContain("must be the name of an environment variable");
  });
});
