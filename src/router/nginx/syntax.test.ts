import { describe, expect, it } from "vitest";
import { block, comment, quoteLiteral, quoteText, textVariables } from "./syntax.js";

describe("nginx syntax", () => {
  it("quotes expanded texts so they come out as given", () => {
    expect(quoteText(`a "b" \\ c`, "p")).toBe(`"a \\"b\\" \\\\ c"`);
    expect(quoteText("cost $5\nnext", "p")).toBe(`"cost \${slipway_dollar}5\\nnext"`);
    expect(() => quoteText("a\u0000", "p")).toThrow(
      expect.objectContaining({ code: "E_NGINX_CONFIG", path: "p" }),
    );
  });

  it("quotes literal values and refuses variables and control characters in them", () => {
    expect(quoteLiteral('/srv/my "app"', "p")).toBe('"/srv/my \\"app\\""');
    expect(() => quoteLiteral("/srv/$app", "p")).toThrow(/reads as a variable/);
    expect(() => quoteLiteral("/srv/a\nb", "p")).toThrow(/control character/);
  });

  it("keeps comments on one line", () => {
    expect(comment("route a\n}\nserver {")).toBe("# route a?}?server {");
  });

  it("indents blocks and leaves out false lines", () => {
    expect(block("a", ["x;", false, block("b", ["y;"])])).toEqual([
      "a {",
      "  x;",
      "  b {",
      "    y;",
      "  }",
      "}",
    ]);
  });

  it("splits long texts into literal geo variables under nginx's token limit", () => {
    const text = `${"é".repeat(1500)}$"`;
    const { definitions, reference } = textVariables("page", text, "p");
    expect(reference).toBe(`"\${page_0}\${page_1}"`);
    expect(definitions[0]).toBe("geo $page_0 {");
    expect(definitions[1]).toBe(`  default "${"é".repeat(1000)}";`);
    expect(definitions[4]).toBe(`  default "${"é".repeat(500)}$\\"";`);
    expect(textVariables("page", "", "p").reference).toBe(`"\${page_0}"`);
  });
});
