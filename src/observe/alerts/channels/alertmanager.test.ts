import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertRecord } from "../model.js";
import { AlertmanagerServer } from "../testing/alertmanager.js";
import { alertmanagerChannel } from "./alertmanager.js";

const eventually = async (what: string, check: () => Promise<boolean>) => {
  for (const deadline = Date.now() + 15_000; !(await check()); await new Promise((r) => setTimeout(r, 200)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

describe("the alertmanager channel, against Debian's prometheus-alertmanager", () => {
  let alertmanager: AlertmanagerServer;
  beforeAll(async () => {
    alertmanager = await AlertmanagerServer.start();
  });
  afterAll(() => alertmanager?.stop());

  it("forwards a firing alert with its labels, and ends it when it resolves", async () => {
    const channel = alertmanagerChannel(alertmanager.url, 3_600_000);
    const alert: AlertRecord = {
      rule: "backup_failed",
      key: "backup_failed:shop/db",
      project: "shop",
      service: "db",
      severity: "critical",
      summary: "shop/db: scheduled backup of db failed",
      status: "firing",
      since: Date.now() - 60_000,
      notices: 1,
    };
    await channel.send({ kind: "firing", alert });
    const ours = async () => (await alertmanager.alerts()).filter((a) => a.labels.slipway_key === alert.key);
    await eventually("the alert in Alertmanager", async () => (await ours()).length === 1);
    expect((await ours())[0]).toMatchObject({
      labels: { alertname: "backup_failed", project: "shop", service: "db", severity: "critical" },
      annotations: { summary: "shop/db: scheduled backup of db failed" },
    });
    await channel.send({ kind: "resolved", alert: { ...alert, status: "resolved", resolvedAt: Date.now() } });
    await eventually("the alert to end", async () => (await ours()).length === 0);
  });
});
