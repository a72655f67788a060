import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { NginxError } from "./errors.js";

/** Where nginx lives when PATH does not say (Debian and most distributions). */
const FALLBACKS = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The nginx binary: on `path` (default `$PATH`), else in the usual places; `E_NGINX_MISSING` if none. */
export function findNginx(path = process.env.PATH ?? "", fallbacks: readonly string[] = FALLBACKS): string {
  const candidates = [
    ...path
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, "nginx")),
    ...fallbacks,
  ];
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new NginxError({
    code: "E_NGINX_MISSING",
    message: "nginx is not installed (not on PATH, nor in /usr/sbin)",
    hint: "install it: apt-get install nginx (or nginx-light, plus libnginx-mod-stream for TCP routes); or use router driver builtin",
  });
}

/** argv of the nginx commands the driver runs; `-e stderr` so errors before the config is read reach us. */
export const nginxArgs = {
  test: (configFile: string, prefix: string) => ["-t", "-q", "-e", "stderr", "-c", configFile, "-p", prefix],
  start: (configFile: string, prefix: string) => ["-e", "stderr", "-c", configFile, "-p", prefix],
  version: () => ["-V"],
} as const;

/** How this nginx has the stream module (TCP routes): built in, as a loadable file, or not at all. */
export type StreamSupport =
  | { readonly kind: "built-in" }
  | { readonly kind: "dynamic"; readonly candidates: readonly string[] }
  | { readonly kind: "absent" };

/** Reads `nginx -V`'s configure arguments. */
export function streamSupport(versionOutput: string): StreamSupport {
  const args = versionOutput.split(/\s+/);
  if (args.includes("--with-stream")) return { kind: "built-in" };
  if (!args.includes("--with-stream=dynamic")) return { kind: "absent" };
  const option = (name: string) => args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
  const dirs = [
    option("--modules-path"),
    option("--prefix") && `${option("--prefix")}/modules`,
    "/usr/lib/nginx/modules",
  ];
  return {
    kind: "dynamic",
    candidates: [...new Set(dirs.filter((dir): dir is string => !!dir))].map(
      (dir) => `${dir}/ngx_stream_module.so`,
    ),
  };
}

/** The oldest nginx the generated config and the driver's commands work with (`ssl_reject_handshake`, `-e`). */
export const MIN_NGINX_VERSION = "1.19.5";

/** What `nginx -V` tells about the binary. */
export interface NginxBuild {
  /** `1.22.1`; undefined when the output has no version line. */
  readonly version: string | undefined;
  readonly stream: StreamSupport;
}

export function nginxBuild(versionOutput: string): NginxBuild {
  return { version: /nginx\/(\d+\.\d+\.\d+)/.exec(versionOutput)?.[1], stream: streamSupport(versionOutput) };
}

/** Dotted versions compared numerically: `1.22.1` ≥ `1.19.5`. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const have = version.split(".").map(Number);
  const need = minimum.split(".").map(Number);
  for (let i = 0; i < need.length; i++) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

export interface NginxRun {
  readonly command: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr together, trimmed. */
  readonly output: string;
}

/**
 * Runs nginx to completion. `nginx` (start) returns once the master has daemonized; the master
 * keeps no copy of our pipes (stderr goes to its error log), so the run ends then.
 */
export function runNginx(binary: string, args: readonly string[], timeoutMs = 15_000): Promise<NginxRun> {
  return new Promise((resolve, reject) => {
    const command = [binary, ...args];
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new NginxError({
          code: "E_NGINX_MISSING",
          message: `cannot run ${binary}: ${error.message}`,
          command,
        }),
      );
    });
    child.once("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ command, exitCode, signal, output: output.trim() });
    });
  });
}
