import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "./model.js";
import { objectsYaml, writeObjectFiles } from "./yaml.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-k8s-yaml-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configMap = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { a: "1" },
});

describe("writing rendered objects", () => {
  it("prints one YAML document per object", () => {
    const docs = parseAllDocuments(objectsYaml([configMap("one"), configMap("two")]));
    expect(docs.map((d) => (d.toJS() as KubeObject).metadata.name)).toEqual(["one", "two"]);
  });

  it("reads back the same under YAML 1.1 (kubectl), without anchors", () => {
    const probe = { exec: { command: ["redis-cli", "ping"] } };
    const object: KubeObject = {
      ...configMap("args"),
      data: { a: "yes", b: "on", c: "0755" },
      probe,
      again: probe,
    };
    const text = objectsYaml([object]);
    expect(text).not.toMatch(/[&*]a1/);
    expect(parseAllDocuments(text, { version: "1.1" })[0]!.toJS()).toEqual(object);
  });

  it("writes a numbered file per object and replaces an earlier render's files, leaving others", () => {
    const out = join(dir, "out");
    expect(writeObjectFiles(out, [configMap("one"), configMap("two")])).toEqual([
      "000-configmap-one.yaml",
      "001-configmap-two.yaml",
    ]);
    writeFileSync(join(out, "kustomization.yaml"), "resources: []\n");
    writeObjectFiles(out, [configMap("three")]);
    expect(readdirSync(out).sort()).toEqual(["000-configmap-three.yaml", "kustomization.yaml"]);
    expect(readFileSync(join(out, "000-configmap-three.yaml"), "utf8")).toContain("name: three");
  });

  it("refuses a path that is a file, with a coded error", () => {
    const file = join(dir, "file");
    writeFileSync(file, "x");
    expect(() => writeObjectFiles(file, [configMap("one")])).toThrow(
      expect.objectContaining({ code: "E_K8S_OUTPUT" }),
    );
    expect(existsSync(join(dir, "file"))).toBe(true);
  });
});
