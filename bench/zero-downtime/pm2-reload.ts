import { freePort } from "../../src/network/ports.js";
import { Pm2Daemon } from "../pm2/daemon.js";
import { deploysUnderLoad, type Outcome } from "./under-load.js";

/**
 * The baseline row: the same app under the same load, run by PM2 in cluster mode (2 workers sharing
 * one port through PM2's cluster master), each deploy a `pm2 reload --update-env` with a new
 * `APP_VERSION`; the app stops on SIGTERM (`PM2_KILL_SIGNAL`) with PM2's kill timeout at 5 s.
 */
export async function pm2ReloadRow(app: string, nodeModules: string): Promise<Outcome> {
  const port = await freePort();
  const pm2 = new Pm2Daemon();
  try {
    const env = { PORT: String(port), HOST: "127.0.0.1", NODE_PATH: nodeModules, APP_VERSION: "v0" };
    await pm2.start(
      [{ name: "zdt", script: app, instances: 2, exec_mode: "cluster", kill_timeout: 5000 }],
      env,
    );
    const outcome = await deploysUnderLoad(
      port,
      async (n) => {
        const reload = await pm2.run(["reload", "zdt", "--update-env"], { ...env, APP_VERSION: `v${n}` });
        return reload.code === 0 ? undefined : reload.output.trim().split("\n").slice(-2).join(" ");
      },
      true,
    );
    return { ...outcome, verdicts: {} };
  } finally {
    await pm2.stop();
  }
}
