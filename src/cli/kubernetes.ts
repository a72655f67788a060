import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { AppSpec } from "../manifest/model.js";
import { loadProject, type ManifestFlags } from "./manifest-options.js";
import type { Output } from "./report.js";

/** `--context`: the kubeconfig context of a kubernetes project. */
export interface ContextFlags extends ManifestFlags {
  readonly context?: string;
}

export const addContextOption = (command: Command): Command =>
  command.option(
    "--context <name>",
    "kubeconfig context, for a project on the kubernetes target (default: x-slipway.kubernetes.context, else the current context)",
  );

/**
 * The project's spec when it runs on the kubernetes target, else undefined. Commands that do not need
 * the manifest otherwise load it only when its files mention kubernetes (or `--context` is given), so
 * other projects' `ps` and `logs` stay as quick as they were.
 */
export async function kubernetesSpec(flags: ContextFlags, output: Output): Promise<AppSpec | undefined> {
  const { discoverFiles } = await import("../manifest/discover.js");
  const { files } = discoverFiles(flags.file ?? [], process.cwd(), flags.projectDirectory);
  const mentions = files.some((file) => {
    try {
      return /\bkubernetes\b/.test(readFileSync(file, "utf8"));
    } catch {
      return false;
    }
  });
  if (!mentions && !flags.context) return undefined;
  const { spec } = await loadProject(flags, output);
  return spec["x-slipway"].target === "kubernetes" ? spec : undefined;
}

const age = (startedAt: string | undefined) => {
  if (!startedAt) return "-";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(startedAt)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

/** `ps` of a kubernetes project: its pods, by service. */
export async function kubernetesPs(spec: AppSpec, flags: ContextFlags, output: Output): Promise<void> {
  const { psKubernetes } = await import("../targets/kubernetes/kubernetes.js");
  const { release, pods } = await psKubernetes(spec, flags.context);
  if (flags.json)
    return void output.stdout(
      `${JSON.stringify({ project: spec.name, target: "kubernetes", release, pods }, null, 2)}\n`,
    );
  const rows = [["SERVICE", "POD", "STATE", "READY", "RESTARTS", "UP"]];
  for (const p of pods) rows.push([p.service, p.pod, p.state, p.ready, String(p.restarts), age(p.startedAt)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
  output.stdout(`project ${spec.name} on kubernetes, release ${release ?? "none"}\n${lines.join("\n")}\n`);
}

/** `logs` of a kubernetes project: the last lines of each pod (no `--follow`: use kubectl logs -f). */
export async function kubernetesLogs(
  spec: AppSpec,
  service: string | undefined,
  flags: ContextFlags & { readonly tail?: string; readonly follow?: boolean },
  output: Output,
): Promise<void> {
  if (flags.follow)
    output.stderr("warning: --follow is not supported on the kubernetes target; printing the last lines\n");
  const { logsKubernetes } = await import("../targets/kubernetes/kubernetes.js");
  const tail = flags.tail === "all" ? undefined : Number(flags.tail ?? 100);
  for (const pod of await logsKubernetes(spec, service, tail, flags.context))
    for (const line of pod.lines)
      output.stdout(
        flags.json
          ? `${JSON.stringify({ service: pod.service, pod: pod.pod, line })}\n`
          : `${pod.pod} | ${line}\n`,
      );
}

/** `down` of a kubernetes project: delete what it owns (its volume claims only with --volumes). */
export async function kubernetesDown(
  spec: AppSpec,
  flags: ContextFlags & { readonly volumes?: boolean },
  output: Output,
): Promise<void> {
  const { downKubernetes } = await import("../targets/kubernetes/kubernetes.js");
  const deleted = await downKubernetes(spec, flags.volumes ?? false, flags.context, (event) => {
    if (event.type === "log" && !flags.json) output.stdout(`  ${event.message}\n`);
  });
  output.stdout(
    flags.json
      ? `${JSON.stringify({ project: spec.name, target: "kubernetes", deleted, volumes: flags.volumes ?? false })}\n`
      : `deleted ${deleted} objects of ${spec.name}; ${flags.volumes ? "its volume claims too" : "volume claims (data) are kept"}\n`,
  );
}

/** `releases` of a kubernetes project: the history kept in the cluster, newest first. */
export async function kubernetesReleases(spec: AppSpec, flags: ContextFlags, output: Output): Promise<void> {
  const { releasesKubernetes } = await import("../targets/kubernetes/kubernetes.js");
  const releases = await releasesKubernetes(spec, flags.context);
  if (flags.json)
    return void output.stdout(
      `${JSON.stringify({ project: spec.name, target: "kubernetes", releases }, null, 2)}\n`,
    );
  const lines = [`releases of ${spec.name} in the cluster:`];
  for (const r of releases)
    lines.push(
      `  ${r.id}  ${r.status.padEnd(10)} created ${r.created}${r.deployed ? `, live since ${r.deployed}` : ""}`,
    );
  output.stdout(`${lines.join("\n")}\n`);
}
