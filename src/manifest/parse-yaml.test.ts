import { describe, expect, it } from "vitest";
import { parseYaml } from "./parse-yaml.js";

const parse = (text: string) => parseYaml("compose.yaml", text);

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
});
