import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openTestState, tempStateFile } from "./test-support.js";

describe("the audit log", () => {
  it("records actions oldest first, filtered by time and project", () => {
    let clock = 1000;
    const store = openTestState(undefined, { now: () => clock });
    store.addAudit({
      actor: "root (uid 0)",
      project: "shop",
      action: "deploy",
      args: {},
      outcome: "succeeded",
    });
    clock = 2000;
    store.addAudit({
      actor: "root (uid 0)",
      project: "blog",
      action: "secret.set",
      args: { name: "bot_token" },
      outcome: "failed",
      error: "E_SECRET_NAME",
    });
    expect(store.listAudit().map((e) => e.action)).toEqual(["deploy", "secret.set"]);
    expect(store.listAudit({ since: 1500 })).toEqual([
      expect.objectContaining({
        ts: 2000,
        project: "blog",
        args: { name: "bot_token" },
        error: "E_SECRET_NAME",
      }),
    ]);
    expect(store.listAudit({ project: "shop" }).map((e) => e.action)).toEqual(["deploy"]);
  });

  it("is append-only: the database refuses UPDATE and DELETE, even from another connection", () => {
    const file = tempStateFile();
    const store = openTestState(file);
    store.addAudit({ actor: "root (uid 0)", action: "deploy", args: {}, outcome: "succeeded" });
    const other = new Database(file);
    try {
      expect(() => other.prepare("UPDATE audit SET outcome = 'failed'").run()).toThrow(/append-only/);
      expect(() => other.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
    } finally {
      other.close();
    }
    expect(store.listAudit()).toHaveLength(1);
  });
});
