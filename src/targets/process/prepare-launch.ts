import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PATH, resolveExecutable } from "../../host/executables.js";
import { resolveUser, type UnixIdentity } from "../../host/users.js";
import { type CgroupLayout, instanceCgroupDirs, planInstanceCgroups } from "./cgroup-layout.js";
import { applyCgroupPlan } from "./cgroup-setup.js";
import { buildLaunchCommand, type HostTools, type LaunchCommand } from "./launch-command.js";
import type { ProcessLaunchSpec } from "./launch-spec.js";

/** What the agent found out about the machine once, at construction. */
export interface LaunchContext {
  readonly layout: CgroupLayout;
  readonly tools: HostTools;
  readonly isRoot: boolean;
}

export interface PreparedLaunch {
  readonly command: LaunchCommand;
  readonly identity: UnixIdentity | undefined;
  /** Cgroup directories created for this launch (to remove when it is gone). */
  readonly createdCgroupDirs: readonly string[];
  /** Parts of the spec that cannot be honoured here; the launch goes ahead without them. */
  readonly warnings: readonly string[];
}

/** Why a launch cannot happen at all; `exitCode` is what a shell would report (127, 126). */
export interface LaunchFailure {
  readonly reason: string;
  readonly exitCode?: 126 | 127;
}

function userFor(
  spec: ProcessLaunchSpec,
  context: LaunchContext,
  warnings: string[],
): UnixIdentity | undefined | LaunchFailure {
  if (spec.user === undefined) return undefined;
  if (!context.isRoot) {
    warnings.push(`user "${spec.user}" not applied: the agent does not run as root`);
    return undefined;
  }
  return resolveUser(spec.user) ?? { reason: `unknown user: ${spec.user}` };
}

/** The hosts file and volumes to bind in a private mount namespace, where the agent can (root, tools). */
function privateMountsFor(
  spec: ProcessLaunchSpec,
  context: LaunchContext,
  identity: UnixIdentity | undefined,
  warnings: string[],
) {
  if (spec.hostsFile === undefined && (spec.mounts ?? []).length === 0) return {};
  const { unshare, mount, setpriv } = context.tools;
  const missing = !context.isRoot
    ? "the agent does not run as root"
    : !unshare || !mount
      ? "unshare or mount not found"
      : identity && !setpriv
        ? "setpriv not found"
        : undefined;
  if (missing === undefined) return { hostsFile: spec.hostsFile, mounts: spec.mounts };
  if (spec.hostsFile !== undefined) warnings.push(`hosts file not applied: ${missing}`);
  for (const { source, target } of spec.mounts ?? [])
    warnings.push(`volume not mounted at ${target}: ${missing}; its data is in ${source}`);
  return {};
}

/** `create`: make cgroups with the spec's limits (start, runJob); `join`: enter the instance's existing ones (exec). */
function cgroupsFor(
  spec: ProcessLaunchSpec,
  context: LaunchContext,
  identity: UnixIdentity | undefined,
  mode: "create" | "join",
  warnings: string[],
) {
  const none = { procsFiles: [], created: [] };
  if (mode === "join") {
    // Joining needs the same privileges as creating; without them exec simply runs outside the limits.
    if (!context.isRoot || (identity && !context.tools.setpriv)) return none;
    const dirs = instanceCgroupDirs(context.layout, spec.id).filter((dir) => existsSync(dir));
    return { procsFiles: dirs.map((dir) => join(dir, "cgroup.procs")), created: [] };
  }
  const plan = planInstanceCgroups(context.layout, spec.id, spec.limits);
  for (const controller of plan.unenforced)
    warnings.push(`${controller} limit not enforced: cgroups not writable`);
  if (plan.dirs.length === 0) return none;
  if (identity && !context.tools.setpriv) {
    warnings.push("limits not enforced: setpriv not found (needed to switch user after joining cgroups)");
    return none;
  }
  const applied = applyCgroupPlan(plan);
  if (applied.ok) return { procsFiles: plan.procsFiles, created: plan.dirs };
  warnings.push(`limits not enforced: ${applied.error}`);
  return none;
}

/** Checks and resolves everything `argv` needs to run with `spec`'s context, then builds the spawn command. */
export function prepareLaunch(
  spec: ProcessLaunchSpec,
  argv: readonly string[],
  context: LaunchContext,
  cgroups: "create" | "join",
): PreparedLaunch | LaunchFailure {
  const name = argv[0];
  if (name === undefined || name === "") return { reason: "empty command" };
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory())
    return { reason: `working directory does not exist: ${spec.cwd}` };
  const executable = resolveExecutable(name, spec.env.PATH ?? DEFAULT_PATH, spec.cwd);
  if (!executable.found) {
    return executable.reason === "not-found"
      ? { reason: `command not found: ${name}`, exitCode: 127 }
      : { reason: `permission denied: ${name}`, exitCode: 126 };
  }
  const warnings: string[] = [];
  const identity = userFor(spec, context, warnings);
  if (identity && "reason" in identity) return identity;
  const { hostsFile, mounts } = privateMountsFor(spec, context, identity, warnings);
  const { procsFiles, created } = cgroupsFor(spec, context, identity, cgroups, warnings);
  const command = buildLaunchCommand({
    executable: executable.path,
    argv,
    cgroupProcsFiles: procsFiles,
    hostsFile,
    mounts,
    user: identity,
    keepPwd: spec.env.PWD !== undefined,
    tools: context.tools,
  });
  return { command, identity, createdCgroupDirs: created, warnings };
}
