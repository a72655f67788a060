import { describe, expect, it } from "vitest";
import { parseYaml } from "./parse-yaml.js";

const parse = (text: string) => {
  const { documents, problems } = parseYaml("compose.yaml", text);
  return { value: documents[0], documents, problems };
};

describe("parseYaml", () => {
  it("reads plain integers with a leading zero as octal, as go-yaml v3 (Compose) does", () => {
    const { value } = parse('a: 0440\nb: 0o444\nc: "0440"\nd: 08\ne: 0\nf: -010\ng: 440\n');
    expect(value).toEqual({ a: 288, b: 292, c: "0440", d: 8, e: 0, f: -8, g: 440 });
  });

  it("expands aliases and merge keys as often as a large real file does", () => {
    const services = Array.from({ length: 500 }, (_, i) => `  s${i}:\n    <<: *defaults\n`).join("");
    const text = `x-defaults: &defaults\n  image: nginx\n  environment: {A: "1", B: "2"}\n  labels: [a, b, c]\nservices:\n${services}`;
    const { value, problems } = parse(text);
    expect(problems).toEqual([]);
    expect((value as { services: Record<string, unknown> }).services.s499).toMatchObject({ image: "nginx" });
  });

  it("refuses an alias bomb quickly", () => {
    let text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 9; i++)
      text += `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    const started = performance.now();
    const { value, problems } = parse(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(value).toBeUndefined();
    expect(problems).toMatchObject([{ code: "E_MANIFEST_YAML", message: /too many alias expansions/ }]);
  });

  it.each([
    ["a number key under services", "services:\n  123:\n    image: a\n", 2, 3, /non-string key 123/],
    ["a number key under environment", "x:\n  environment:\n    1: a\n", 3, 5, /non-string key 1/],
    ["a boolean key", "services:\n  true: {}\n", 2, 3, /non-string key true/],
    ["a null key", "services:\n  ? null\n  : {}\n", 2, 5, /non-string key null/],
    ["a merge key with a scalar", "a: &x 1\nb:\n  <<: *x\n", 3, 3, /merge key takes a mapping/],
    ["a merge key with a list of scalars", "b:\n  <<: [1, 2]\n", 2, 3, /merge key takes a mapping/],
  ])("refuses %s at its key", (_, text, line, column, message) => {
    const { documents, problems } = parse(text);
    expect(documents).toEqual([]);
    expect(problems).toMatchObject([{ code: "E_MANIFEST_YAML", message, location: { line, column } }]);
  });

  it("keeps quoted number keys and merges of mappings", () => {
    const { value, problems } = parse('services:\n  "123":\n    <<: [{image: a}]\n');
    expect(problems).toEqual([]);
    expect(value).toEqual({ services: { "123": { image: "a" } } });
  });

  it("returns every --- document, in order", () => {
    expect(parse("a: 1\n---\nb: 2\n").documents).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
