import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
} from "yaml";
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
  /** Each `---`-separated document, in order (Compose merges them like several files). */
  readonly documents: readonly unknown[];
  readonly problems: readonly Problem[];
}

const MERGE_TAGS: Record<string, MergeTag["tag"]> = { "!reset": "reset", "!override": "override" };

/** Deepest nesting accepted; deeper documents are refused rather than overflowing the stack. */
const MAX_DEPTH = 200;
/**
 * Most nodes aliases may produce in one file, counted over every expansion (an alias inside an
 * anchored node counts again each time that node is expanded). A large real file (hundreds of
 * services merging `<<: *defaults`) produces a few thousand; an alias bomb (9 anchors of 9 aliases
 * each, 9⁹ nodes) passes the limit in milliseconds. Plays the role of the yaml package's `maxAliasCount`.
 */
const MAX_ALIAS_NODES = 100_000;

/** A document the loader refuses to expand (too deep, or too many nodes through aliases). */
class YamlLimitError extends Error {}

/** A mapping key Compose refuses: not a string (`123:`), or `<<:` merging something other than mappings. */
class YamlKeyError extends Error {
  constructor(
    message: string,
    readonly node: Node | null,
    readonly hint: string,
  ) {
    super(message);
  }
}

const isMergeable = (value: unknown): boolean =>
  isMapping(value) || (Array.isArray(value) && value.every(isMapping));

/**
 * go-yaml v3, which Compose uses, reads every plain integer with a leading zero as octal (Go's
 * `strconv.ParseInt(s, 0, 64)`), so `mode: 0440` is 288 there; YAML 1.2 (the yaml package) reads
 * 440. Follow Compose for all plain integers, as it does not single out file modes.
 */
const LEADING_ZERO_OCTAL = /^([-+]?)0([0-7]+)$/;

function scalarValue(node: Scalar): unknown {
  const { value } = node;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number" || node.type !== "PLAIN") return value;
  const octal = LEADING_ZERO_OCTAL.exec(node.source ?? "");
  return octal ? Number.parseInt(`${octal[1]}${octal[2]}`, 8) : value;
}

/** Parses YAML text into plain values that remember where each entry was written. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems: Problem[] = (Array.isArray(docs) ? docs : [docs]).flatMap((doc) =>
    doc.errors.map((error) => ({
      code: "E_MANIFEST_YAML",
      message: `invalid YAML: ${error.message.split("\n")[0]}`,
      hint: "check indentation, quoting and that each key appears once in its mapping",
      location: at(error.pos[0]),
    })),
  );
  if (problems.length > 0 || !Array.isArray(docs)) return { documents: [], problems };
  const documents: unknown[] = [];
  for (const doc of docs) {
    const converted = convertDocument(doc, at);
    if (converted.problems.length > 0) return { documents: [], problems: converted.problems };
    documents.push(converted.value);
  }
  return { documents, problems: [] };
}

function convertDocument(
  doc: Document.Parsed,
  at: (offset: number) => SourceLocation,
): { value: unknown; problems: Problem[] } {
  // `Alias.resolve` searches the whole document each time; each alias is resolved once
  const anchors = new Map<Alias, unknown>();
  let aliasNodes = 0;
  const convert = (node: unknown, depth: number, viaAlias: boolean): unknown => {
    if (depth > MAX_DEPTH) throw new YamlLimitError("YAML nesting is too deep");
    if (viaAlias && ++aliasNodes > MAX_ALIAS_NODES) {
      throw new YamlLimitError(
        `too many alias expansions (aliases produce more than ${MAX_ALIAS_NODES} nodes)`,
      );
    }
    if (isAlias(node)) {
      if (!anchors.has(node)) anchors.set(node, node.resolve(doc));
      return convert(anchors.get(node), depth + 1, true);
    }
    const tagged = (value: unknown): unknown => {
      const tag = (node as Node | null)?.tag;
      const mergeTag = tag ? MERGE_TAGS[tag] : undefined;
      return mergeTag ? new MergeTag(mergeTag, value) : value;
    };
    if (isScalar(node)) return tagged(scalarValue(node));
    if (isSeq(node)) {
      const out: unknown[] = [];
      const locations = newLocations(at(node.range?.[0] ?? 0));
      node.items.forEach((item, index) => {
        out.push(convert(item, depth + 1, viaAlias));
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
          const merged = convert(pair.value, depth + 1, viaAlias);
          if (!isMergeable(merged))
            throw new YamlKeyError(
              "a `<<:` merge key takes a mapping or a list of mappings",
              keyNode,
              "merge an anchored mapping (<<: *defaults), or rename the key",
            );
          mergeYamlMergeKey(out, locations, merged);
          continue;
        }
        if (typeof rawKey !== "string")
          throw new YamlKeyError(
            `non-string key ${String(rawKey)}: a Compose mapping key is a string`,
            keyNode,
            `quote the key ("${String(rawKey)}":)`,
          );
        const key = String(rawKey ?? "");
        out[key] = convert(pair.value, depth + 1, viaAlias);
        const keyAt = at(keyNode?.range?.[0] ?? 0);
        locations.keys.set(key, keyAt);
        locations.values.set(key, pair.value ? at((pair.value as Node).range?.[0] ?? 0) : keyAt);
      }
      return tagged(attachLocations(out, locations));
    }
    return null;
  };

  try {
    return { value: convert(doc.contents, 0, false), problems: [] };
  } catch (error) {
    if (error instanceof YamlKeyError) {
      return {
        value: undefined,
        problems: [
          {
            code: "E_MANIFEST_YAML",
            message: error.message,
            hint: error.hint,
            location: at(error.node?.range?.[0] ?? 0),
          },
        ],
      };
    }
    // a stack overflow (RangeError) is a document nested too deeply for this machine
    if (!(error instanceof YamlLimitError || error instanceof RangeError)) throw error;
    const message = error instanceof YamlLimitError ? error.message : "YAML nesting is too deep";
    return {
      value: undefined,
      problems: [
        {
          code: "E_MANIFEST_YAML",
          message,
          hint: "write the repeated parts out, or use fewer levels of anchors and aliases",
          location: at(0),
        },
      ],
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
