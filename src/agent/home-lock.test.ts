import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readProcStat } from "../host/proc-stat.js";
import { lockHome } from "./home-lock.js";

const homes: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-lock-"));
  homes.push(dir);
  return dir;
}

describe("lockHome", () => {
  it("refuses the lock while another living process holds it", () => {
    const dir = home();
    const sleeper = spawn("sleep", ["30"]);
    children.push(sleeper);
    // Written as that process would have: its PID and kernel start time.
    const stat = readProcStat(sleeper.pid!);
    writeFileSync(join(dir, "agent.lock"), `${sleeper.pid} ${stat!.startTime}`);
    expect(() => lockHome(dir)).toThrow(expect.objectContaining({ code: "E_AGENT_RUNNING" }));
    sleeper.kill("SIGKILL");
  });

  it("takes over a lock whose process is gone or whose PID was reused", () => {
    const dir = home();
    writeFileSync(join(dir, "agent.lock"), "999999999 12345");
    const release = lockHome(dir);
    expect(readFileSync(join(dir, "agent.lock"), "utf8")).toMatch(new RegExp(`^${process.pid} \\d+$`));
    release();
    expect(existsSync(join(dir, "agent.lock"))).toBe(false);
    // Our own PID with another start time: a process that died and whose PID came back.
    writeFileSync(join(dir, "agent.lock"), `${process.pid} 1`);
    lockHome(dir)();
  });

  it("lets exactly one of many processes racing for the lock have it", async () => {
    const dir = home();
    const module = new URL("./home-lock.ts", import.meta.url).pathname;
    const script = `import { lockHome } from ${JSON.stringify(module)};
      try { lockHome(${JSON.stringify(dir)}); console.log("locked"); setTimeout(() => {}, 3000); }
      catch (e) { console.log(e.code); }`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        children.push(child);
        let out = "";
        child.stdout!.on("data", (chunk) => {
          out += String(chunk);
        });
        return new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve(out.trim()), 20_000);
          child.stdout!.on("data", () => {
            if (out.includes("\n")) {
              clearTimeout(timer);
              resolve(out.trim());
            }
          });
        });
      }),
    );
    expect(results.filter((r) => r === "locked")).toHaveLength(1);
    expect(results.filter((r) => r === "E_AGENT_RUNNING")).toHaveLength(5);
  }, 30_000);
});
