import { describe, expect, it } from "vitest";
import { type EngineTask, portOfTask, taskView } from "./tasks.js";

const task = (env: string[], slot: number, labels: Record<string, string> = {}): EngineTask => ({
  ID: `t${slot}`,
  ServiceID: "s",
  NodeID: "n1",
  Slot: slot,
  DesiredState: "running",
  Spec: { ContainerSpec: { Env: env, Labels: labels } },
  Status: { State: "running" },
});

describe("task views", () => {
  it("take a task's port from its own PORT template, not from the service's current prefix", () => {
    expect(portOfTask(task(["PORT=4321{{.Task.Slot}}"], 2))).toBe(43212);
    expect(portOfTask(task(["PORT=43210"], 0))).toBe(43210);
    expect(portOfTask(task(["A=1"], 1))).toBeNull();
    const old = task(["PORT=1111{{.Task.Slot}}", "SLIPWAY_RELEASE=r1"], 1, {
      "dev.slipway.revision": "rev1",
    });
    const service = {
      name: "shop_web",
      labels: {
        "com.docker.compose.service": "web",
        "dev.slipway.release": "r2",
        "dev.slipway.revision": "rev2",
        "dev.slipway.port-prefix": "2222",
      },
    };
    expect(taskView(old, service, new Map([["n1", "vm"]]))).toMatchObject({
      service: "web",
      release: "r1",
      revision: "rev1",
      port: 11111,
      node: "vm",
      slot: 1,
    });
  });
});
