import { afterEach, describe, expect, it } from "vitest";
import { project, slipway } from "./cli.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});
const make = (files: Record<string, string>) => {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
};

/** `slipway config` on the input: it must end quickly with exit 2 and the code, never hang or crash. */
function expectRefused(compose: string, code: string, detail: string): void {
  const started = Date.now();
  const result = slipway(["config"], { cwd: make({ "compose.yaml": compose }) });
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain(code);
  expect(result.stderr).toContain(detail);
  expect(result.stderr).not.toContain("internal error");
}

describe("slipway config on hostile input", () => {
  it("refuses interpolation nested 1,500 levels deep instead of overflowing the stack", () => {
    let deep = "x";
    for (let i = 0; i < 1500; i++) deep = `\${A${i}:-${deep}}`;
    const compose = `services:\n  web:\n    image: nginx:1.27\n    environment:\n      DEEP: "${deep}"\n`;
    expectRefused(compose, "E_MANIFEST_INTERPOLATION", "nested more than 64 levels");
  });

  it("refuses extends and include of devices that never end", () => {
    expectRefused(
      "services:\n  web:\n    image: nginx:1.27\n    extends: { file: /dev/zero, service: web }\n",
      "E_MANIFEST_NOT_FOUND",
      "/dev/zero is not a regular file",
    );
    expectRefused(
      "include: [/dev/urandom]\nservices:\n  web:\n    image: nginx:1.27\n",
      "E_MANIFEST_NOT_FOUND",
      "/dev/urandom is not a regular file",
    );
  });

  it("refuses port ranges that would expand to millions of entries", () => {
    const ranges = Array.from({ length: 20 }, () => '      - "1-65535:1-65535"\n').join("");
    expectRefused(
      `services:\n  web:\n    image: nginx:1.27\n    ports:\n${ranges}`,
      "E_MANIFEST_VALUE",
      "is a range of 65535 ports; one entry may have at most 1024",
    );
  });
});
