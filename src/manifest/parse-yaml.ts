import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Problem, SourceLocation } from "../errors.js";
import { attachLocations, isMapping, type LocatedMap, newLocations } from "./located.js";

/** A value written with Compose's `!reset` (drop what earlier files said) or `!override` (replace, not merge) tag. */
export class MergeTag {
  constructor(
    readonly tag: "reset" | "override",
    readonly value: unknown,
  ) {}
}

export interface ParsedYaml {
  readonly value: unknown;
  readonly problems: readonly Problem[];
}

const MERGE_TAGS: Record<string, MergeTag["tag"]> = { "!reset": "reset", "!override": "override" };

/** Parses one YAML document into plain values that remember where each entry was written. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems: Problem[] = doc.errors.map((error) => ({
    code: "E_MANIFEST_YAML",
    message: `invalid YAML: ${error.message.split("\n")[0]}`,
    hint: "check indentation, quoting and that each key appears once in its mapping",
    location: at(error.pos[0]),
  }));
  if (problems.length > 0) return { value: undefined, problems };

  const convert = (node: unknown, depth: number): unknown => {
    if (depth > 200) throw new RangeError("YAML nesting too deep");
    if (isAlias(node)) return convert(node.resolve(doc), depth + 1);
    const tagged = (value: unknown): unknown => {
      const tag = (node as Node | null)?.tag;
      const mergeTag = tag ? MERGE_TAGS[tag] : undefined;
      return mergeTag ? new MergeTag(mergeTag, value) : value;
    };
    if (isScalar(node)) {
      const value = node.value;
      return tagged(typeof value === "bigint" ? Number(value) : value);
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const locations = newLocations(at(node.range?.[0] ?? 0));
      node.items.forEach((item, index) => {
        out.push(convert(item, depth + 1));
        locations.values.set(index, at((item as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0));
      });
      return tagged(attachLocations(out, locations));
    }
    if (isMap(node)) {
      const out: LocatedMap = {};
      const locations = newLocations(at(node.range?.[0] ?? 0));
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const rawKey = isScalar(keyNode) ? keyNode.value : keyNode;
        if (rawKey === "<<" || typeof rawKey === "symbol") {
          mergeYamlMergeKey(out, locations, convert(pair.value, depth + 1));
          continue;
        }
        const key = String(rawKey ?? "");
        out[key] = convert(pair.value, depth + 1);
        const keyAt = at(keyNode?.range?.[0] ?? 0);
        locations.keys.set(key, keyAt);
        locations.values.set(key, pair.value ? at((pair.value as Node).range?.[0] ?? 0) : keyAt);
      }
      return tagged(attachLocations(out, locations));
    }
    return null;
  };

  try {
    return { value: convert(doc.contents, 0), problems: [] };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      value: undefined,
      problems: [{ code: "E_MANIFEST_YAML", message: "YAML nesting is too deep", location: at(0) }],
    };
  }
}

/** YAML merge keys (`<<: *defaults`): entries written in the mapping itself win over merged ones. */
function mergeYamlMergeKey(
  out: LocatedMap,
  locations: ReturnType<typeof newLocations>,
  merged: unknown,
): void {
  const sources = Array.isArray(merged) ? merged : [merged];
  for (const source of sources) {
    if (!isMapping(source)) continue;
    for (const [key, value] of Object.entries(source)) {
      if (key in out) continue;
      out[key] = value;
      locations.keys.set(key, locations.self);
      locations.values.set(key, locations.self);
    }
  }
}
