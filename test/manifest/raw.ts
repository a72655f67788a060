/**
 * Compose files as the official JSON schema sees them: parsed YAML (anchors and merge keys
 * applied), `!reset` entries removed and `!override` tags dropped (as compose-go does before
 * validating), and every string value interpolated with the fixture's variables.
 */
import { readFileSync } from "node:fs";
import { isNode, parseDocument, stringify, visit } from "yaml";
import { interpolate } from "../../src/manifest/interpolate.js";
import { environmentFor, type Fixture } from "./fixtures.js";

export type RawDocument =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly stage: "yaml" | "interpolation"; readonly message: string };

type Lookup = (name: string) => string | undefined;

function interpolateValues(value: unknown, lookup: Lookup): unknown {
  if (typeof value === "string") {
    if (!value.includes("$")) return value;
    const result = interpolate(value, lookup);
    if (!result.ok) throw new Error(result.message);
    return result.value;
  }
  if (Array.isArray(value)) return value.map((item) => interpolateValues(item, lookup));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValues(v, lookup)]));
  return value;
}

/** Parses YAML text the way the schema comparison needs it; `lookup` undefined skips interpolation. */
export function rawFromText(text: string, lookup: Lookup | undefined): RawDocument {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, logLevel: "silent" });
  if (doc.errors.length > 0) return { ok: false, stage: "yaml", message: doc.errors[0]!.message };
  visit(doc, {
    Pair(_, pair) {
      if (isNode(pair.value) && pair.value.tag === "!reset") return visit.REMOVE;
      if (isNode(pair.value) && pair.value.tag === "!override") pair.value.tag = undefined;
      return undefined;
    },
    Node(_, node) {
      if (node.tag === "!reset") return visit.REMOVE;
      if (node.tag === "!override") node.tag = undefined;
      return undefined;
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10_000 });
  } catch (error) {
    return { ok: false, stage: "yaml", message: (error as Error).message };
  }
  if (!lookup) return { ok: true, value };
  try {
    return { ok: true, value: interpolateValues(value, lookup) };
  } catch (error) {
    return { ok: false, stage: "interpolation", message: (error as Error).message };
  }
}

/** Every file the fixture names on the command line, as raw documents (interpolated). */
export function rawDocuments(fixture: Fixture): { file: string; raw: RawDocument }[] {
  const { lookup } = environmentFor(fixture);
  return fixture.files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return { file, raw: { ok: false, stage: "yaml", message: `${file} cannot be read` } as const };
    }
    return { file, raw: rawFromText(text, lookup) };
  });
}

/** YAML text for a raw (already interpolated) document: every `$` escaped so loading it again is a no-op. */
export function toComposeText(value: unknown): string {
  const escapeDollars = (node: unknown): unknown => {
    if (typeof node === "string") return node.replaceAll("$", "$$");
    if (Array.isArray(node)) return node.map(escapeDollars);
    if (node !== null && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, escapeDollars(v)]));
    return node;
  };
  return stringify(escapeDollars(value), { aliasDuplicateObjects: false, lineWidth: 0 });
}
