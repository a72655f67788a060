import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../render/model.js";
import { FakeKubernetesApiServer } from "../testing/fake-api-server.js";
import { type ClusterClient, connectCluster } from "./connect.js";
import type { KubernetesDeployEvent } from "./events.js";
import { applyObject } from "./objects.js";
import { rollOut } from "./steps.js";

// Against the FAKE API server (no Kubernetes API server runs here): a StatefulSet has no progress
// deadline of its own, so slipway's clock must fail a rollout that stalls.
let fake: FakeKubernetesApiServer;
let client: ClusterClient;
const dir = mkdtempSync(join(tmpdir(), "slipway-k8s-steps-"));
const kubeconfigBefore = process.env.KUBECONFIG;

beforeAll(async () => {
  fake = await FakeKubernetesApiServer.start();
  fake.writeKubeconfig(join(dir, "kubeconfig"));
  process.env.KUBECONFIG = join(dir, "kubeconfig");
  client = await connectCluster(undefined);
});
afterAll(async () => {
  if (kubeconfigBefore === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = kubeconfigBefore;
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const labels = { "app.kubernetes.io/name": "db", "app.kubernetes.io/instance": "shop" };
const statefulSet = (image: string): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "shop", labels },
  spec: {
    serviceName: "db",
    selector: { matchLabels: labels },
    template: {
      metadata: { labels: { ...labels, "slipway.dev/revision": image } },
      spec: { containers: [{ name: "db", image }] },
    },
  },
});

describe("watching a StatefulSet rollout", () => {
  it("completes when every replica is updated and ready", async () => {
    const events: KubernetesDeployEvent[] = [];
    await rollOut(client, statefulSet("postgres:16"), 5, (e) => events.push(e));
    expect(events.at(-1)).toEqual({ type: "service", service: "db", phase: "healthy" });
    expect(fake.objects("PersistentVolumeClaim", "shop")).toEqual([]);
  });

  it("fails by slipway's own deadline when it stalls, naming the crashing pod and its logs", async () => {
    fake.script("StatefulSet", "db", "stall");
    const started = Date.now();
    const failure = rollOut(client, statefulSet("postgres:17"), 1, () => {});
    await expect(failure).rejects.toMatchObject({ code: "E_K8S_ROLLOUT_FAILED" });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain("no progress within 1s");
    expect(message).toContain("CrashLoopBackOff");
    expect(message).toContain("ECONNREFUSED");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe("applying", () => {
  it("never repeats a Secret's values in the error when the server refuses it", async () => {
    fake.refuseApply("Secret", "db-env");
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db-env", namespace: "shop" },
      stringData: { POSTGRES_PASSWORD: "hunter2-secret" },
    };
    const failure = applyObject(client, secret);
    await expect(failure).rejects.toMatchObject({ code: "E_K8S_API" });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain("422 Invalid");
    expect(message).toContain("[redacted]");
    expect(message).not.toContain("hunter2-secret");
  });
});
