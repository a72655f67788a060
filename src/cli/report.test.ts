import { describe, expect, it } from "vitest";
import { printErrors } from "./report.js";

describe("printErrors", () => {
  it("prints --json errors as one line, so a JSON-lines stream stays one value per line", () => {
    const written: string[] = [];
    const output = { stdout: (text: string) => written.push(text), stderr: () => {} };
    printErrors(
      [
        { code: "E_PROXY_BIND", message: "cannot listen", hint: "stop it" },
        { code: "E_OTHER", message: "second" },
      ],
      true,
      output,
    );
    const stdout = written.join("");
    expect(stdout.endsWith("\n")).toBe(true);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(stdout).error).toMatchObject({ code: "E_PROXY_BIND", hint: "stop it" });
  });
});
