import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DeployRuntime } from "../../deploy/runtime.js";
import { slipwayPaths } from "../../state/paths.js";
import { openTestState } from "../../state/test-support.js";
import { ProcessTarget } from "../../targets/process/process-target.js";
import { ProjectSpecs } from "../project-specs.js";
import { AgentBackups } from "./backups.js";

const home = mkdtempSync(join(tmpdir(), "slipway-agent-backups-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function agentBackups() {
  const store = openTestState();
  const paths = slipwayPaths(home);
  const rt: DeployRuntime = {
    paths,
    store,
    target: new ProcessTarget({ paths }),
    publish: async () => {},
    emit: () => {},
  };
  return { backups: new AgentBackups(rt, new ProjectSpecs(store, paths)), store };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("AgentBackups", () => {
  it("runs the operations of one service one after another, and those of different services side by side", async () => {
    const { backups } = agentBackups();
    const log: string[] = [];
    const op = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      return name;
    };
    const first = backups.exclusive("shop", "db", op("a", 60));
    expect(backups.isBusy("shop", "db")).toBe(true);
    const second = backups.exclusive("shop", "db", op("b", 10));
    const other = backups.exclusive("shop", "cache", op("c", 10));
    expect(await Promise.all([first, second, other])).toEqual(["a", "b", "c"]);
    expect(log.indexOf("end a")).toBeLessThan(log.indexOf("start b"));
    expect(log.indexOf("start c")).toBeLessThan(log.indexOf("end a"));
    expect(backups.isBusy("shop", "db")).toBe(false);
  });

  it("keeps the queue going after a failed operation", async () => {
    const { backups } = agentBackups();
    await expect(
      backups.exclusive("shop", "db", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await backups.exclusive("shop", "db", async () => "next")).toBe("next");
  });

  it("says a project is not deployed with a coded error", async () => {
    const { backups } = agentBackups();
    await expect(backups.list("nothing")).rejects.toMatchObject({ code: "E_PROJECT_NOT_DEPLOYED" });
  });

  it("records failures as events of level error, with their code", () => {
    const { backups, store } = agentBackups();
    backups.failed("shop", "db", "backup.failed", "schedule backup of db failed", new Error("disk full"));
    const [event] = store.listEvents("shop");
    expect(event).toMatchObject({
      kind: "backup.failed",
      level: "error",
      service: "db",
      message: "schedule backup of db failed: E_BACKUP_INTERNAL disk full",
    });
  });
});
