import { dirname } from "node:path";
import type { UnixIdentity } from "../../host/users.js";
import type { InstanceMount } from "./launch-spec.js";

/** Absolute paths of the host tools the launch wrapper uses. */
export interface HostTools {
  readonly unshare?: string | undefined;
  readonly mount?: string | undefined;
  readonly setpriv?: string | undefined;
}

/** What to launch: the resolved program and the isolation steps to take before it runs. */
export interface LaunchRequest {
  /** Absolute path of argv[0]. */
  readonly executable: string;
  /** argv as written (argv[0] is kept as the program's name where possible). */
  readonly argv: readonly string[];
  /** `cgroup.procs` files to join before the program runs. */
  readonly cgroupProcsFiles: readonly string[];
  /** Bind-mounted over /etc/hosts in a private mount namespace. */
  readonly hostsFile?: string | undefined;
  /** Bound at their target path in the same namespace; one that fails is reported on stderr and skipped. */
  readonly mounts?: readonly InstanceMount[] | undefined;
  readonly user?: UnixIdentity | undefined;
  /** Keep `PWD` in the env (only when the spec's env sets it; sh would otherwise add it). */
  readonly keepPwd: boolean;
  readonly tools: HostTools;
}

/** Arguments for `child_process.spawn`. */
export interface LaunchCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly argv0: string;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** One volume (or config file): create the target, bind the source there (read-only when asked), else say why on stderr. */
function mountStep(mountTool: string, { source, target, readOnly, file }: InstanceMount): string {
  const make = file
    ? `mkdir -p ${quote(dirname(target))} && { [ -e ${quote(target)} ] || : > ${quote(target)}; }`
    : `mkdir -p ${quote(target)}`;
  const bind = `${make} && ${mountTool} --bind ${quote(source)} ${quote(target)}`;
  const ro = readOnly ? ` && ${mountTool} -o remount,bind,ro ${quote(target)}` : "";
  const warning = `slipway: warning: cannot mount ${source} at ${target}; the ${file ? "file" : "volume"} is not at its Compose path`;
  return `{ ${bind}${ro}; } 2>/dev/null || echo ${quote(warning)} >&2`;
}

/**
 * Pure: the argv that runs `request.argv` with its isolation. Without cgroups or a hosts file the
 * program is spawned directly (as `user` via spawn's uid/gid). Otherwise it goes through
 * `[unshare --mount --propagation private --] /bin/sh -c SCRIPT` where SCRIPT joins the cgroups,
 * bind-mounts the hosts file and the volumes (a volume whose target cannot be created or bound is
 * skipped with a warning on stderr), drops to `user` with setpriv and execs the program. unshare, sh and
 * setpriv all exec, so the program keeps the PID that was spawned and is limited from its first
 * instruction. The privileged steps need root, so the privilege drop happens last, inside the script.
 */
export function buildLaunchCommand(request: LaunchRequest): LaunchCommand {
  const { executable, argv, cgroupProcsFiles, hostsFile, user, tools } = request;
  const argv0 = argv[0] ?? executable;
  const mounts = request.mounts ?? [];
  const privateMounts = hostsFile !== undefined || mounts.length > 0;
  const needsWrapper = cgroupProcsFiles.length > 0 || privateMounts;
  if (!needsWrapper) return { file: executable, args: argv.slice(1), argv0, uid: user?.uid, gid: user?.gid };
  const steps = cgroupProcsFiles.map((file) => `echo $$ > ${quote(file)} || exit 125`);
  const mountTool = quote(tools.mount ?? "mount");
  if (hostsFile !== undefined) steps.push(`${mountTool} --bind ${quote(hostsFile)} /etc/hosts || exit 125`);
  for (const mount of mounts) steps.push(mountStep(mountTool, mount));
  if (!request.keepPwd) steps.push("unset PWD");
  const drop = user
    ? `${quote(tools.setpriv ?? "setpriv")} --reuid=${user.uid} --regid=${user.gid} --clear-groups -- `
    : "";
  steps.push(`exec ${drop}"$@"`);
  const shell = ["/bin/sh", "-c", steps.join("; "), "slipway-launch", executable, ...argv.slice(1)];
  if (!privateMounts) return { file: "/bin/sh", args: shell.slice(1), argv0: "/bin/sh" };
  const unshare = tools.unshare ?? "unshare";
  return { file: unshare, args: ["--mount", "--propagation", "private", "--", ...shell], argv0: unshare };
}
