import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashDirectory } from "./hash.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hashDirectory", () => {
  it("hashes a build context that does not exist (yet) instead of throwing, unlike an empty one", () => {
    mkdirSync(join(dir, "empty"));
    const missing = hashDirectory(join(dir, "missing"));
    expect(missing).toMatch(/^[0-9a-f]{64}$/);
    expect(missing).not.toBe(hashDirectory(join(dir, "empty")));
    expect(missing).not.toBe(hashDirectory(join(dir, "other-missing")));
  });

  it("hashes a context that is a file, not a directory, instead of throwing", () => {
    writeFileSync(join(dir, "file"), "x");
    expect(hashDirectory(join(dir, "file"))).toMatch(/^[0-9a-f]{64}$/);
  });
});
