import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findBinary } from "../../../host/binaries.js";
import type { NativeRunner } from "./runner.js";

const INSTALL_HINT =
  "install Redis (apt-get install redis-server) or deploy this service with the docker target";

/**
 * Redis from the machine's own `redis-server`, keeping the service's `command` flags
 * (`redis-server --appendonly yes`); data in the volume mounted at /data.
 */
export const runRedis: NativeRunner = (service, context) => {
  const written = service.command ?? [];
  const flags = written[0]?.endsWith("redis-server") ? written.slice(1) : written;
  const dataDir = context.volumeDirs["/data"] ?? join(context.runDir, "data");
  return {
    command: [
      findBinary("redis-server", INSTALL_HINT),
      ...flags,
      "--port",
      String(context.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dataDir,
      "--daemonize",
      "no",
    ],
    cwd: dataDir,
    env: {},
    prepare: async () => {
      mkdirSync(dataDir, { recursive: true });
    },
    adaptProbe: (argv) =>
      argv[0] === "redis-cli"
        ? [findBinary("redis-cli", INSTALL_HINT), "-p", String(context.port), ...argv.slice(1)]
        : argv,
  };
};
