import type { KubeObject } from "../render/model.js";
import { LABEL, MANAGED_BY, suffixed } from "../render/names.js";
import type { ClusterClient } from "./connect.js";
import { applyObject, deleteObject, type LiveObject, listObjects } from "./objects.js";

/** Label that marks a ConfigMap as a release record (never pruned, never applied as part of a release). */
const RECORD_LABEL = "slipway.dev/record";
const STATUS = "slipway.dev/status";
const CREATED = "slipway.dev/created";
const DEPLOYED = "slipway.dev/deployed";

export type RecordStatus = "pending" | "deployed" | "superseded" | "failed";

/**
 * A release as the cluster remembers it, in a ConfigMap of the project's namespace (as Helm keeps its
 * releases there): its id, status and the objects it applied, so `rollback` works from any machine.
 * Secret values are never part of it: a Secret a deploy wrote (`--include-secret-values`) is recorded by name only.
 */
export interface ReleaseRecord {
  readonly id: string;
  readonly status: RecordStatus;
  readonly created: string;
  /** When it last became the live release. */
  readonly deployed?: string | undefined;
  readonly objects: readonly KubeObject[];
}

const recordName = (id: string) => suffixed("slipway-release", id);

/** A Secret as a record keeps it: its name, never its values (a rollback leaves the live Secret as it is). */
export const withoutValues = (object: KubeObject): KubeObject => {
  if (object.kind !== "Secret") return object;
  const { stringData: _stringData, data: _data, ...reference } = object;
  return reference;
};

/** Does this object carry what to write (a Secret recorded without its values does not)? */
export const isApplicable = (object: KubeObject): boolean =>
  object.kind !== "Secret" || object.stringData !== undefined || object.data !== undefined;

function recordObject(project: string, namespace: string, record: ReleaseRecord): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: recordName(record.id),
      namespace,
      labels: {
        [LABEL.instance]: project,
        [LABEL.managedBy]: MANAGED_BY,
        [LABEL.release]: record.id,
        [RECORD_LABEL]: "release",
      },
      annotations: {
        [STATUS]: record.status,
        [CREATED]: record.created,
        ...(record.deployed ? { [DEPLOYED]: record.deployed } : {}),
      },
    },
    data: { "objects.json": JSON.stringify(record.objects.map(withoutValues)) },
  };
}

function recordOf(live: LiveObject): ReleaseRecord {
  const annotations = live.metadata.annotations ?? {};
  return {
    id: live.metadata.labels[LABEL.release],
    status: annotations[STATUS] ?? "pending",
    created: annotations[CREATED] ?? "",
    deployed: annotations[DEPLOYED],
    objects: JSON.parse(live.data?.["objects.json"] ?? "[]") as KubeObject[],
  };
}

/** Is this live ConfigMap a release record (and so no object of a release)? */
export const isRecord = (object: LiveObject): boolean =>
  object.metadata?.labels?.[RECORD_LABEL] === "release";

/** Writes a release's record (the whole of it: an apply leaves out nothing it owns). */
export async function saveRecord(
  client: ClusterClient,
  project: string,
  namespace: string,
  record: ReleaseRecord,
): Promise<void> {
  await applyObject(client, recordObject(project, namespace, record));
}

/** The project's releases in the cluster, newest first. */
export async function listRecords(
  client: ClusterClient,
  project: string,
  namespace: string,
): Promise<ReleaseRecord[]> {
  const live = await listObjects(client, "v1", "ConfigMap", namespace, {
    [LABEL.instance]: project,
    [RECORD_LABEL]: "release",
  });
  return live.map(recordOf).sort((a, b) => b.created.localeCompare(a.created));
}

/** The live release: the one that became live last. */
export function activeRecord(records: readonly ReleaseRecord[]): ReleaseRecord | undefined {
  return records
    .filter((r) => r.status === "deployed")
    .sort((a, b) => (b.deployed ?? "").localeCompare(a.deployed ?? ""))[0];
}

/** How many releases the cluster remembers (as Helm's default history). */
const HISTORY = 10;

/** Forgets the oldest releases beyond the last ten (never the live one). */
export async function trimHistory(client: ClusterClient, project: string, namespace: string): Promise<void> {
  const records = await listRecords(client, project, namespace);
  const active = activeRecord(records);
  for (const old of records.slice(HISTORY).filter((r) => r.id !== active?.id))
    await deleteObject(client, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: recordName(old.id), namespace },
    });
}
