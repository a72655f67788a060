import { describe, expect, it } from "vitest";
import type { KubeObject } from "./render/model.js";
import { nameProblems, schemaProblems, validateObjects } from "./validate.js";

const service = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, labels },
  spec: { ports: [{ port: 80 }] },
});

describe("validating rendered objects", () => {
  it("accepts a valid object", async () => {
    await expect(
      validateObjects([service("api", { "app.kubernetes.io/name": "api" })]),
    ).resolves.toBeUndefined();
  });

  it("names the field that does not match the OpenAPI schema", async () => {
    const bad = { ...service("api"), spec: { ports: [{ port: "eighty" }] } };
    expect(await schemaProblems(bad)).toEqual(["Service api: /spec/ports/0/port must be integer"]);
    await expect(validateObjects([bad])).rejects.toMatchObject({ code: "E_K8S_INVALID_OBJECT" });
  });

  it("checks what the schema leaves to the API server: names and label values", () => {
    expect(nameProblems(service("Api_1"))).toEqual([
      "Service Api_1: the name is not a valid DNS label of at most 63 characters",
    ]);
    expect(nameProblems(service("api", { "app.kubernetes.io/version": "x".repeat(64) }))[0]).toMatch(
      /label app.kubernetes.io\/version=.* is not a valid label value/,
    );
    const cron: KubeObject = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "a".repeat(53) } };
    expect(nameProblems(cron)).toHaveLength(1);
    expect(nameProblems({ ...cron, kind: "Deployment", apiVersion: "apps/v1" })).toEqual([]);
  });

  it("refuses a kind it has no schema for", async () => {
    expect(
      await schemaProblems({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toEqual(["Widget w: example.com/v1 Widget is not a kind slipway knows the schema of"]);
  });
});
