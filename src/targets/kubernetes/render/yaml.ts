import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { SlipwayError } from "../../../errors.js";
import type { KubeObject } from "./model.js";

/**
 * Written for YAML 1.1 readers (kubectl and most GitOps tools read 1.1, where an unquoted `yes` is
 * a boolean): such strings are quoted. No anchors or aliases, even for objects used twice.
 */
const OPTIONS = { lineWidth: 0, version: "1.1", aliasDuplicateObjects: false } as const;

const RENDERED_FILE = /^\d{3}-[a-z]+-[a-z0-9.-]+\.yaml$/;

/** One YAML document per object, separated by `---`: what `kubectl apply -f -` reads. */
export function objectsYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object, OPTIONS)).join("---\n");
}

/** `NNN-kind-name.yaml`: numbered in apply order, since `kubectl apply -f DIR` reads files by name. */
export const objectFileName = (object: KubeObject, index: number): string =>
  `${String(index).padStart(3, "0")}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;

/**
 * Writes each object to its own file in `dir` (created if missing). Files an earlier render wrote
 * there (by their `NNN-kind-name.yaml` names) are removed first, so a removed service's objects do
 * not linger for the next `kubectl apply -f DIR`; other files are left alone.
 */
export function writeObjectFiles(dir: string, objects: readonly KubeObject[]): string[] {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    for (const name of readdirSync(dir)) if (RENDERED_FILE.test(name)) rmSync(join(dir, name));
    return objects.map((object, index) => {
      const name = objectFileName(object, index);
      const temporary = join(dir, `.${name}.tmp`);
      writeFileSync(temporary, stringify(object, OPTIONS), { mode: 0o644 });
      renameSync(temporary, join(dir, name));
      return name;
    });
  } catch (error) {
    throw new SlipwayError(
      {
        code: "E_K8S_OUTPUT",
        message: `cannot write the rendered objects to ${dir}: ${(error as Error).message}`,
        hint: "name a directory you can write to with -o, or leave -o out to print the YAML",
      },
      { cause: error },
    );
  }
}
