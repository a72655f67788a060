import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../../../errors.js";
import type { NativeRunner } from "./runner.js";

/**
 * A service built from source: `x-slipway.process.run`, else its Compose entrypoint + command,
 * else `npm start` for a Node project.
 */
export const runApp: NativeRunner = (service, context) => {
  const appDir = context.appDir ?? context.projectDirectory;
  const process = service["x-slipway"].process;
  const cwd = process?.cwd
    ? join(appDir, process.cwd)
    : service.working_dir && existsSync(service.working_dir)
      ? service.working_dir
      : appDir;
  let command: readonly string[] | undefined;
  if (process?.run) command = ["/bin/sh", "-c", process.run];
  else if (service.entrypoint || service.command)
    command = [...(service.entrypoint ?? []), ...(service.command ?? [])];
  else if (existsSync(join(appDir, "package.json"))) {
    const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    if (pkg.scripts?.start) command = ["npm", "start"];
  }
  if (!command || command.length === 0) {
    throw new SlipwayError({
      code: "E_NATIVE_NO_COMMAND",
      message: `service ${service.name} has no command to run`,
      hint: "add `command:` to the service, a `start` script to its package.json, or x-slipway.process.run",
    });
  }
  return { command, cwd, env: {} };
};
