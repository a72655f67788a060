import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { whenHomeGone } from "../../host/home-watch.js";
import type { L4Applied, L4Config } from "./config.js";
import { L4Proxy } from "./proxy.js";

/**
 * `slipway proxy`: the internal data plane as a process of its own, so connections between services
 * keep flowing while the agent restarts or is killed. It re-reads its config file on SIGHUP.
 */
export async function runProxyProcess(configFile: string): Promise<void> {
  const appliedFile = `${configFile}.applied`;
  const proxy = new L4Proxy({ waitForUpstreamMs: 10_000, log: (line) => console.error(line) });
  const load = async () => {
    try {
      const config = JSON.parse(readFileSync(configFile, "utf8")) as L4Config;
      const applied: L4Applied = { generation: config.generation, failures: await proxy.apply(config) };
      // The agent reads this to learn that the generation is served, and which listeners could not bind.
      writeFileSync(`${appliedFile}.tmp`, JSON.stringify(applied), { mode: 0o600 });
      renameSync(`${appliedFile}.tmp`, appliedFile);
    } catch (error) {
      console.error(`proxy: cannot apply ${configFile}: ${(error as Error).message}`);
    }
  };
  await load();
  process.on("SIGHUP", () => void load());
  const stop = () => {
    void proxy.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  whenHomeGone(dirname(configFile), () => {
    console.error(`proxy: ${dirname(configFile)} is gone; exiting`);
    stop();
  });
  // Signal handlers do not keep Node's event loop alive; with no listeners yet, this timer does.
  setInterval(() => {}, 1 << 30);
}
