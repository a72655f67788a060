import { runRouterProcess } from "./process.js";

/** Entry point: `node process-main.js <config-file> <admin-socket>`. */
const [configFile, adminSocket] = process.argv.slice(2);
if (!configFile || !adminSocket) {
  process.stderr.write("usage: process-main <config-file> <admin-socket>\n");
  process.exit(2);
}
await runRouterProcess(configFile, adminSocket);
