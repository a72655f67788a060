import type { ComposeFile, ServiceFile } from "./schema/compose.js";

/** A problem inside one service: its key path below `services.<name>`, and what to tell the user. */
interface ServiceFinding {
  readonly code: "E_MANIFEST_CONFLICT" | "E_MANIFEST_UNKNOWN_SERVICE";
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint: string;
}

/**
 * The reference's consistency rules between fields of one service (compose-go `checkConsistency`):
 * `network_mode` excludes `networks`, mount targets are unique, `scale` agrees with
 * `deploy.replicas`, and a fixed `container_name` allows one replica only.
 */
export function checkServiceConsistency(
  name: string,
  service: ServiceFile,
  project: ComposeFile,
): ServiceFinding[] {
  return [
    ...networkModeFindings(name, service, project),
    ...mountTargetFindings(service),
    ...replicaFindings(name, service),
  ];
}

function networkModeFindings(name: string, service: ServiceFile, project: ComposeFile): ServiceFinding[] {
  const mode = service.network_mode;
  if (mode === undefined) return [];
  const findings: ServiceFinding[] = [];
  if (service.networks !== undefined)
    findings.push({
      code: "E_MANIFEST_CONFLICT",
      path: ["networks"],
      message: `service "${name}" declares both \`network_mode\` and \`networks\`, which are exclusive`,
      hint: "remove `networks:` or `network_mode:`",
    });
  const other = mode.startsWith("service:") ? mode.slice("service:".length) : undefined;
  if (other !== undefined && !Object.hasOwn(project.services, other))
    findings.push({
      code: "E_MANIFEST_UNKNOWN_SERVICE",
      path: ["network_mode"],
      message: `service "${name}" uses network_mode "service:${other}", but "${other}" is not defined`,
      hint: `define services.${other} or change network_mode`,
    });
  return findings;
}

/** A target is mounted once: a `tmpfs` entry and a volume (or two volumes) on one path conflict. */
function mountTargetFindings(service: ServiceFile): ServiceFinding[] {
  const mounted = new Map<string, string>();
  (service.tmpfs ?? []).forEach((entry, index) => {
    mounted.set(entry.split(":")[0]!, `tmpfs[${index}]`);
  });
  const findings: ServiceFinding[] = [];
  service.volumes.forEach((mount, index) => {
    const earlier = mounted.get(mount.target);
    if (earlier !== undefined)
      findings.push({
        code: "E_MANIFEST_CONFLICT",
        path: ["volumes", index],
        message: `target ${mount.target} is already mounted by ${earlier}`,
        hint: "mount each container path once: remove one of the two, or change its target",
      });
    else mounted.set(mount.target, `volumes[${index}]`);
  });
  return findings;
}

function replicaFindings(name: string, service: ServiceFile): ServiceFinding[] {
  const findings: ServiceFinding[] = [];
  const replicas = service.deploy?.replicas;
  if (service.scale !== undefined && replicas !== undefined && service.scale !== replicas)
    findings.push({
      code: "E_MANIFEST_CONFLICT",
      path: ["scale"],
      message: `service "${name}" sets scale ${service.scale} and deploy.replicas ${replicas}; they must agree`,
      hint: "keep only deploy.replicas (scale is its older spelling)",
    });
  const count = replicas ?? service.scale ?? 1;
  if (service.container_name !== undefined && count > 1)
    findings.push({
      code: "E_MANIFEST_CONFLICT",
      path: ["container_name"],
      message: `service "${name}" sets container_name "${service.container_name}" and ${count} replicas; a container name must be unique`,
      hint: "remove container_name, or run one replica",
    });
  return findings;
}
