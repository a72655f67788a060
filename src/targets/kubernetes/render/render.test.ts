import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFixture, REPO, validFixtures } from "../../../../test/manifest/fixtures.js";
import { loadManifest } from "../../../manifest/load.js";
import type { AppSpec } from "../../../manifest/model.js";
import { schemaProblems, validateObjects } from "../validate.js";
import type { KubeObject } from "./model.js";
import { renderKubernetes } from "./render.js";

function examplePlatform(): AppSpec {
  const result = loadManifest({
    files: [resolve(REPO, "examples/bot-platform/compose.yaml")],
    envFiles: [],
    profiles: [],
  });
  expect(result.problems.filter((p) => p.severity !== "warning")).toEqual([]);
  return result.spec!;
}

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are read as loose JSON in assertions
type Loose = Record<string, any>;
const find = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Loose | undefined;

describe("rendering for Kubernetes, validated against the OpenAPI schema", () => {
  it("renders the example platform into objects that all match the schema", async () => {
    const { objects, release } = renderKubernetes(examplePlatform());
    expect(objects.length).toBeGreaterThan(15);
    for (const object of objects) expect(await schemaProblems(object)).toEqual([]);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      "Namespace",
      "Deployment",
      "StatefulSet",
      "Service",
      "Job",
      "CronJob",
      "PodDisruptionBudget",
      "NetworkPolicy",
      "Ingress",
    ])
      expect(kinds, kind).toContain(kind);
    for (const object of objects) {
      expect(object.metadata.labels?.["app.kubernetes.io/managed-by"]).toBe("slipway");
      expect(object.metadata.labels?.["slipway.dev/release"]).toBe(release.id);
    }
  });

  it("maps each Compose setting of the example to its object", () => {
    const { objects, release } = renderKubernetes(examplePlatform());
    const api = find(objects, "Deployment", "api")!;
    expect(api.spec.replicas).toBe(2);
    expect(api.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const container = api.spec.template.spec.containers[0];
    expect(container.args).toEqual(["node", "src/server.js"]);
    expect(container.readinessProbe.exec.command).toEqual(["node", "healthcheck.js"]);
    expect(container.startupProbe.periodSeconds).toBe(1);
    expect(container.resources.limits).toEqual({ cpu: "1000m", memory: "256Mi" });
    expect(container.image).toBe(`botplatform-api:${release.buildHashes.api}`);
    // DATABASE_URL holds a password: a reference to the service's Secret, never the value.
    expect(container.env).toContainEqual({
      name: "DATABASE_URL",
      valueFrom: { secretKeyRef: { name: "api-env", key: "DATABASE_URL" } },
    });
    expect(JSON.stringify(objects)).not.toContain("devpassword");
    expect(JSON.stringify(objects)).not.toContain("demo-token-not-real");
    const db = find(objects, "StatefulSet", "db")!;
    expect(db.spec.volumeClaimTemplates[0].metadata.name).toBe("pgdata");
    expect(db.spec.template.spec.containers[0].volumeMounts).toContainEqual({
      name: "pgdata",
      mountPath: "/var/lib/postgresql/data",
    });
    expect(find(objects, "Job", `migrate-${release.id}`)!.spec.template.spec.restartPolicy).toBe("Never");
    expect(find(objects, "CronJob", "analytics")!.spec).toMatchObject({
      schedule: "*/5 * * * *",
      concurrencyPolicy: "Forbid",
    });
    expect(find(objects, "PodDisruptionBudget", "api")).toBeDefined();
    expect(find(objects, "PodDisruptionBudget", "bot")).toBeUndefined();
    expect(find(objects, "Service", "api")!.spec.ports).toEqual([
      { name: "p3000", port: 3000, targetPort: 3000, protocol: "TCP" },
    ]);
    expect(
      find(objects, "Ingress", "api")!.spec.rules[0].http.paths.map((p: { path: string }) => p.path),
    ).toEqual(["/api", "/ws", "/health", "/ready"]);
  });

  it("writes secret values only when asked", () => {
    const app = examplePlatform();
    const withValues = renderKubernetes(app, { includeSecretValues: true }).objects;
    expect(find(withValues, "Secret", "api-env")!.stringData.DATABASE_URL).toContain("devpassword");
  });

  it("a pod template changes only with its service's revision, not with the release", () => {
    const app = examplePlatform();
    const before = renderKubernetes(app);
    const api = app.services.api!;
    const changed = {
      ...app,
      services: { ...app.services, api: { ...api, environment: { ...api.environment, APP_VERSION: "2" } } },
    };
    const after = renderKubernetes(changed as AppSpec);
    expect(after.release.id).not.toBe(before.release.id);
    const template = (r: typeof before, name: string) =>
      JSON.stringify(find(r.objects, "Deployment", name)!.spec.template);
    expect(template(after, "runtime")).toBe(template(before, "runtime"));
    expect(template(after, "api")).not.toBe(template(before, "api"));
  });

  it("reports an object that does not match the schema, naming the field", async () => {
    const bad: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { replicas: "two" },
    };
    await expect(validateObjects([bad])).rejects.toMatchObject({ code: "E_K8S_INVALID_OBJECT" });
    expect((await schemaProblems(bad)).join("\n")).toMatch(/Deployment x: .*/);
  });

  describe("every valid manifest fixture", () => {
    for (const fixture of validFixtures()) {
      it(`${fixture.name} renders objects that match the schema`, async () => {
        const { spec } = loadFixture(fixture);
        const { objects } = renderKubernetes(spec!);
        expect(objects.length).toBeGreaterThan(1);
        await validateObjects(objects);
      });
    }
  });
});

describe("start levels of a kubernetes deploy", () => {
  it("orders the example as the deploy engine does: a migration after its database, services after it", async () => {
    const { startLevels } = await import("./order.js");
    expect(startLevels(examplePlatform())).toEqual([
      ["cache", "db", "fake-telegram", "frontend"],
      ["migrate"],
      ["analytics", "api", "runtime"],
      ["bot"],
    ]);
  });
});
