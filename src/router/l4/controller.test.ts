import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readProcStat } from "../../host/proc-stat.js";
import { slipwayPaths } from "../../state/paths.js";
import { ProxyController } from "./controller.js";

const homes: string[] = [];
const started: ProxyController[] = [];
afterEach(async () => {
  for (const controller of started.splice(0)) await controller.stop();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A controller whose proxy process runs from the sources (tsx), as `slipway proxy` runs from dist. */
function controller(onExit: () => void): { proxy: ProxyController; pid: () => number | undefined } {
  const home = mkdtempSync(join(tmpdir(), "slipway-proxyctl-"));
  homes.push(home);
  const paths = slipwayPaths(home);
  const main = new URL("./process.ts", import.meta.url).pathname;
  const script = `import { runProxyProcess } from ${JSON.stringify(main)}; await runProxyProcess(${JSON.stringify(paths.proxyConfig)});`;
  const command = [process.execPath, "--import", "tsx", "--input-type=module", "-e", script] as const;
  const proxy = new ProxyController(paths, command, onExit);
  started.push(proxy);
  const pid = () => {
    const recorded = Number(readFileSync(paths.proxyPidFile, "utf8").split(" ")[0]);
    const stat = readProcStat(recorded);
    return stat && stat.state !== "Z" ? recorded : undefined;
  };
  return { proxy, pid };
}

describe("ProxyController", () => {
  it("reports a proxy that was killed at once, and not one it stopped itself", async () => {
    let exits = 0;
    const { proxy, pid } = controller(() => exits++);
    await proxy.ensureRunning();
    const first = pid()!;
    process.kill(first, "SIGKILL");
    const deadline = Date.now() + 5000;
    while (exits === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(exits).toBe(1);
    await proxy.ensureRunning();
    expect(pid()).not.toBe(first);
    await proxy.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(exits).toBe(1);
  }, 30_000);
});
