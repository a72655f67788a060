import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveExecutable } from "./executables.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-exe-"));
writeFileSync(join(dir, "tool"), "#!/bin/sh\n", { mode: 0o755 });
writeFileSync(join(dir, "plain"), "not executable");
chmodSync(join(dir, "plain"), 0o644);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveExecutable", () => {
  it("searches PATH for bare names", () => {
    expect(resolveExecutable("tool", `/nonexistent:${dir}`, "/")).toEqual({
      found: true,
      path: join(dir, "tool"),
    });
    expect(resolveExecutable("sh", "/usr/bin:/bin", "/")).toMatchObject({ found: true });
  });

  it("takes names with a slash relative to cwd", () => {
    expect(resolveExecutable("./tool", "", dir)).toEqual({ found: true, path: join(dir, "tool") });
  });

  it("tells a missing command from one that is not executable", () => {
    expect(resolveExecutable("nope", dir, "/")).toEqual({ found: false, reason: "not-found" });
    expect(resolveExecutable("plain", dir, "/")).toEqual({ found: false, reason: "not-executable" });
  });
});
