import { describe, expect, it } from "vitest";
import { FakeHttpReceiver } from "../../src/observe/alerts/testing/receivers.js";
import type { AlertsView } from "../../src/observe/alerts/view.js";
import { eventually, freePort, PATIENT, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** `web` that crashes `crashAfterMs` after it starts (never restarted), alerts to a webhook and a dead port. */
function compose(port: number, hook: string, dead: number, version: string, crashAfterMs?: number) {
  const crash: Record<string, string> = crashAfterMs ? { CRASH_AFTER_MS: `"${crashAfterMs}"` } : {};
  return webCompose(
    port,
    { APP_VERSION: version, ...crash },
    `    restart: "no"
x-slipway:
  alerts:
    interval: 300ms
    retry_backoff: 100ms
    channels:
      hook: { type: webhook, url: "${hook}/hook" }
      broken: { type: webhook, url: "http://127.0.0.1:${dead}/nobody-listens" }
`,
  );
}

describe("alerts from the agent", PATIENT, () => {
  it("fire once when an instance goes down, resolve when it is back, stay quiet when silenced, and show a broken channel", async () => {
    const hook = await FakeHttpReceiver.start();
    try {
      const [port, dead] = [await freePort(), await freePort()];
      const s = sandbox({ "compose.yaml": compose(port, hook.url, dead, "v1", 4000) });
      expect((await s.cli(["deploy"])).code).toBe(0);
      const kinds = () =>
        hook.received.map((r) => `${(r.body as { kind: string }).kind} ${(r.body as { rule: string }).rule}`);
      await eventually("a firing notice", () => kinds().includes("firing instance_down"), 30_000);
      const alerts = async () => JSON.parse((await s.cli(["alerts", "--json"])).stdout) as AlertsView;
      const firing = await alerts();
      expect(firing.firing).toMatchObject([
        { rule: "instance_down", project: s.project, service: "web", silenced: false },
      ]);
      // The dead channel is retried, then shown as failing.
      await eventually(
        "the broken channel to show",
        async () => (await alerts()).channels.some((c) => c.channel === "broken" && c.failures > 0),
        20_000,
      );
      const human = await s.cli(["alerts"]);
      expect(human.stdout).toMatch(/instance_down\s+1 firing/);
      expect(human.stdout).toMatch(
        new RegExp(`${s.project}/broken \\(webhook\\): FAILING \\(1 failed deliveries`),
      );
      expect(human.stdout).toMatch(new RegExp(`${s.project}/hook \\(webhook\\): ok`));

      // Back up: one resolved notice, and nothing was sent twice meanwhile.
      s.write({ "compose.yaml": compose(port, hook.url, dead, "v2") });
      expect((await s.cli(["deploy"])).code).toBe(0);
      await eventually("a resolved notice", () => kinds().includes("resolved instance_down"), 30_000);
      expect(kinds()).toEqual(["firing instance_down", "resolved instance_down"]);

      // Silenced: it goes down again, is listed as firing and silenced, and nothing is sent.
      const silence = await s.cli(["alerts", "silence", "instance_down", "--for", "2h"]);
      expect(silence.stdout).toBe("instance_down silenced for 2h\n");
      s.write({ "compose.yaml": compose(port, hook.url, dead, "v3", 1500) });
      expect((await s.cli(["deploy"])).code).toBe(0);
      await eventually(
        "the silenced alert",
        async () => (await alerts()).firing.some((a) => a.silenced),
        30_000,
      );
      expect(kinds()).toEqual(["firing instance_down", "resolved instance_down"]);
      const unknown = await s.cli(["alerts", "silence", "nope", "--for", "1h"]);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain("E_ALERT_RULE");
    } finally {
      await hook.stop();
    }
  });
});
