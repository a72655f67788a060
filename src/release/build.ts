import { spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chownTree, type SystemUser } from "../host/system-user.js";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { buildEnvironment } from "./build-env.js";
import { buildUser } from "./build-user.js";
import { ReleaseError } from "./errors.js";
import { hashDirectory, sha256, stableJson } from "./hash.js";

/** A service of a release: its built, immutable artifact and the revision its instances run. */
export interface ServiceArtifact {
  /**
   * The service's revision: changes whenever its frozen spec or its build inputs change. Instances
   * record it; an instance of another revision is replaced by a deploy.
   */
  readonly hash: string;
  /**
   * Hash of the build inputs only (build settings, context content, build command; the image for
   * image services): an environment change keeps it, so nothing is rebuilt. Absent in releases
   * made before it existed.
   */
  readonly buildHash?: string | undefined;
  /** `<artifacts>/<service>/<buildHash>/app`, absent for services that run from an image. */
  readonly appDir?: string | undefined;
}

/** Hash of what a service's artifact is built from: build settings and context content, or its image. */
export function artifactHash(service: ServiceSpec): string {
  const inputs = {
    build: service.build,
    image: service.build ? undefined : service.image,
    command: service["x-slipway"].process?.build,
  };
  const context = service.build ? hashDirectory(service.build.context) : "";
  return sha256(`${stableJson(inputs)}\n${context}`).slice(0, 16);
}

/** The revision of a service: its frozen spec plus its artifact. */
export function serviceRevision(service: ServiceSpec, buildHash: string): string {
  return sha256(`${stableJson(service)}\n${buildHash}`).slice(0, 16);
}

/**
 * How a release's build contexts become artifacts: `native` (the process target) copies the context
 * and runs its build commands on the host; `context` (targets that build images: docker, swarm,
 * kubernetes) only keeps the frozen copy that the target builds its image from.
 */
export type BuildMode = "native" | "context";

/** The build mode of the target an app runs on. */
export const buildModeOf = (app: Pick<AppSpec, "x-slipway">): BuildMode =>
  app["x-slipway"].target === "process" ? "native" : "context";

/** Where a service's artifact is, or would be, built (a context-only copy apart from a native build). */
export function artifactDir(
  artifactsRoot: string,
  service: string,
  buildHash: string,
  mode: BuildMode = "native",
): string {
  return join(artifactsRoot, service, mode === "native" ? buildHash : `${buildHash}.context`);
}

/** Has this artifact been built completely already (a rollback or an env-only change reuses it)? */
export function isArtifactBuilt(
  artifactsRoot: string,
  service: ServiceSpec,
  buildHash: string,
  mode: BuildMode = "native",
): boolean {
  return (
    !service.build || existsSync(join(artifactDir(artifactsRoot, service.name, buildHash, mode), "complete"))
  );
}

/** The shell commands that build a service natively: `x-slipway.process.build`, else npm for a Node project. */
export function buildCommands(service: ServiceSpec, appDir: string): string[] {
  const custom = service["x-slipway"].process?.build;
  if (custom) return [custom];
  const manifest = join(appDir, "package.json");
  if (!existsSync(manifest)) return [];
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: Record<string, string> };
  const install = existsSync(join(appDir, "package-lock.json"))
    ? "npm ci --no-audit --no-fund"
    : "npm install --no-audit --no-fund";
  return pkg.scripts?.build ? [install, "npm run build"] : [install];
}

function runLogged(
  command: string,
  cwd: string,
  env: Record<string, string>,
  log: NodeJS.WritableStream,
  user: SystemUser | undefined,
): Promise<number | null> {
  return new Promise((resolve) => {
    log.write(`$ ${command}\n`);
    // Its own process group, so that what a build leaves running is stopped with it.
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: user ? { ...env, HOME: user.home } : env,
      detached: true,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", (error) => {
      log.write(`${error.message}\n`);
      resolve(127);
    });
    child.on("close", (code) => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is gone already.
      }
      resolve(code);
    });
  });
}

/**
 * Where a build happens: next to its final place, or — built by the unprivileged build user — in a
 * fresh directory under the temporary directory (it never needs a way into the home). Only `app/`
 * is the build user's: the log and the `complete` mark beside it stay the agent's.
 */
function scratchFor(finalDir: string, user: SystemUser | undefined): string {
  if (!user) {
    const scratch = `${finalDir}.building-${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    return scratch;
  }
  const scratch = mkdtempSync(join(tmpdir(), "slipway-build-"));
  chmodSync(scratch, 0o711);
  return scratch;
}

/** Puts a finished build in place: the build user's files become the agent's, then move (or copy across filesystems). */
function settle(scratch: string, finalDir: string, user: SystemUser | undefined): void {
  if (user) chownTree(join(scratch, "app"), process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  // Private: a service running as another user is let through to its own artifact only.
  chmodSync(scratch, 0o700);
  rmSync(finalDir, { recursive: true, force: true });
  mkdirSync(dirname(finalDir), { recursive: true, mode: 0o700 });
  try {
    renameSync(scratch, finalDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    cpSync(scratch, finalDir, { recursive: true, verbatimSymlinks: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds a service once per build hash (the draft's: the context is hashed once per deploy): the context is copied (without node_modules) and built in a
 * scratch directory that is renamed into place only when the build succeeded, so a half-built
 * artifact never exists. An artifact already built for this hash is reused (rollback needs no rebuild).
 */
export async function buildService(
  service: ServiceSpec,
  hashes: { readonly revision: string; readonly buildHash: string },
  artifactsRoot: string,
  onProgress: (line: string) => void = () => {},
  mode: BuildMode = "native",
): Promise<ServiceArtifact> {
  const { revision: hash, buildHash } = hashes;
  if (!service.build) return { hash, buildHash };
  const finalDir = artifactDir(artifactsRoot, service.name, buildHash, mode);
  const appDir = join(finalDir, "app");
  if (existsSync(join(finalDir, "complete"))) return { hash, buildHash, appDir };
  // Only a native build runs commands; a frozen image context is a copy.
  const user = mode === "native" ? buildUser() : undefined;
  const scratch = scratchFor(finalDir, user);
  const scratchApp = join(scratch, "app");
  cpSync(service.build.context, scratchApp, {
    recursive: true,
    // As the build hash sees the context: without installed modules and version control.
    filter: (source) => !/\/(node_modules|\.git)(\/|$)/.test(source.slice(service.build!.context.length)),
  });
  if (user) chownTree(scratchApp, user.uid, user.gid);
  const logFile = join(scratch, "build.log");
  const log = createWriteStream(logFile);
  try {
    for (const command of mode === "native" ? buildCommands(service, scratchApp) : []) {
      onProgress(command);
      const code = await runLogged(command, scratchApp, buildEnvironment(service), log, user);
      if (code !== 0) {
        await new Promise((resolve) => log.end(resolve));
        const tail = readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
        // A failed build in the temporary directory keeps only its log.
        if (user) rmSync(scratchApp, { recursive: true, force: true });
        throw new ReleaseError(
          "E_BUILD_FAILED",
          `building ${service.name} failed: \`${command}\` exited with ${code}\n${tail}`,
          `fix the build, or set x-slipway.process.build; the whole log is in ${logFile}`,
        );
      }
    }
  } finally {
    // Wait for the stream to open and flush: it opens asynchronously, and the scratch dir is renamed next.
    if (!log.writableEnded) await new Promise((resolve) => log.end(resolve));
  }
  writeFileSync(join(scratch, "complete"), new Date().toISOString());
  settle(scratch, finalDir, user);
  return { hash, buildHash, appDir };
}
