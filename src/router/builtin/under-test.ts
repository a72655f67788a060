import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriverUnderTest } from "../driver-suite/under-test.js";
import { ROUTER_PROCESS_MAIN } from "../http/process.js";
import { BuiltinRouterDriver } from "./driver.js";

/** The router's own process pid, from the driver's pid file (this test started it). */
const routerPid = (pidFile: string) => Number(readFileSync(pidFile, "utf8").split(" ")[0]);

/** The builtin driver on a state directory of its own, its router process started from sources. */
export async function builtinUnderTest(): Promise<DriverUnderTest & { readonly socket: string }> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-builtin-driver-"));
  const pidFile = join(dir, "router.pid");
  const driver = new BuiltinRouterDriver({
    socket: join(dir, "router.sock"),
    pidFile,
    logFile: join(dir, "router.log"),
    // From sources, as the router process tests start it (tsx maps process-main.js to the .ts file).
    command: [
      process.execPath,
      "--import",
      "tsx",
      ROUTER_PROCESS_MAIN,
      join(dir, "router.json"),
      join(dir, "router.sock"),
    ],
    env: { PATH: process.env.PATH ?? "" },
  });
  const kill = () => {
    try {
      process.kill(routerPid(pidFile), "SIGKILL");
    } catch {}
  };
  return {
    driver,
    socket: join(dir, "router.sock"),
    kill,
    cleanup: async () => {
      try {
        await driver.stop();
      } finally {
        kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
