import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dashboardSettings } from "./dashboard-settings.js";
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

  it("take the dashboard as a loopback address, or published on a host name with TLS only", () => {
    const dashboard = (value: string) => load(`  observe: { dashboard: ${value} }\n`);
    expect(dashboard(`"127.0.0.1:9471"`).spec!["x-slipway"].observe?.dashboard).toEqual({
      listen: "127.0.0.1:9471",
      tls: "auto",
    });
    const published = dashboard("{ listen: 127.0.0.1:9500, host: Ops.Example.com }");
    expect(published.problems).toEqual([]);
    expect(published.spec!["x-slipway"].observe?.dashboard).toEqual({
      listen: "127.0.0.1:9500",
      host: "ops.example.com",
      tls: "auto",
    });
    expect(dashboard("{ host: ops.test, tls: self-signed }").spec!["x-slipway"].observe?.dashboard).toEqual({
      host: "ops.test",
      tls: "self-signed",
    });
    const refused = (value: string) =>
      dashboard(value).problems.map((p) => ({ code: p.code, path: p.path, message: p.message }));
    expect(refused("{ host: ops.example.com, tls: off }")).toEqual([
      {
        code: "E_MANIFEST_DASHBOARD",
        path: "x-slipway.observe.dashboard.tls",
        message: expect.stringContaining("HTTPS only"),
      },
    ]);
    for (const host of [
      "10.0.0.1",
      "ops.example.com:8443",
      "*.example.com",
      "https://ops.example.com",
      "a..b",
    ])
      expect(refused(`{ host: "${host}" }`), host).toEqual([
        expect.objectContaining({ code: "E_MANIFEST_DASHBOARD", path: "x-slipway.observe.dashboard.host" }),
      ]);
    expect(refused("{ listen: 0.0.0.0:9471 }")[0]?.message).toContain("must be a loopback host:port");
  });

  it("read a dashboard address a release stored as a plain string as {listen}", () => {
    expect(dashboardSettings({ dashboard: "127.0.0.1:9471" })).toEqual({
      listen: "127.0.0.1:9471",
      tls: "auto",
    });
    expect(dashboardSettings(undefined)).toBeUndefined();
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
