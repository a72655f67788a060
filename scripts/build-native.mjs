// Builds the native addon the agent needs (native/peercred: the API socket's peer credentials) when
// it is missing or older than its sources. Run by `npm run build`, where npm puts node-gyp on PATH;
// needs python3, make and a C compiler (scripts/install-deps.sh installs them).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../native/peercred/", import.meta.url));
const built = `${dir}build/Release/peercred.node`;
const newest = Math.max(...["peercred.c", "binding.gyp"].map((name) => statSync(dir + name).mtimeMs));
if (!existsSync(built) || statSync(built).mtimeMs < newest) {
  // Node's own headers when the system has them (Debian's nodejs): node-gyp needs no download then.
  // Node-API is ABI-stable, so headers of any recent Node build a module every later one loads.
  const nodedir =
    !process.env.npm_config_nodedir && existsSync("/usr/include/node/node_api.h") ? ["--nodedir=/usr"] : [];
  const result = spawnSync("node-gyp", ["rebuild", "--silent", ...nodedir], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) {
    console.error("building native/peercred failed: it needs node-gyp (npm run build), python3, make and cc");
    process.exit(1);
  }
}
