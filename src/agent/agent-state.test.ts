import { describe, expect, it } from "vitest";
import { SlipwayError } from "../errors.js";
import { openTestState, sampleRelease } from "../state/test-support.js";
import { redactingStore } from "./agent-state.js";

describe("redactingStore", () => {
  it("hides secret values in events, deploy errors, job output and audit errors before they are stored", () => {
    const raw = openTestState();
    const store = redactingStore(raw, (text) => text.replaceAll("hunter2", "[redacted]"));
    store.insertRelease(sampleRelease("shop"));
    store.addEvent({
      project: "shop",
      kind: "k",
      level: "error",
      message: "token hunter2",
      data: { out: "hunter2" },
    });
    const { deploy } = store.startDeploy({ project: "shop", releaseId: "r1", kind: "deploy" });
    store.finishDeploy(
      deploy.id,
      "failed",
      new SlipwayError({ code: "E_X", message: "last output: hunter2", hint: "h" }),
    );
    store.addAudit({ actor: "root", action: "deploy", args: {}, outcome: "failed", error: "E_X: hunter2" });
    const text = JSON.stringify([raw.listEvents("shop"), raw.listDeploys("shop", 10), raw.listAudit()]);
    expect(text).not.toContain("hunter2");
    expect(text).toContain("E_X");
  });
});
