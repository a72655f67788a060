import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRegularFile } from "./read-regular-file.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readRegularFile", () => {
  it("reads a plain file", () => {
    writeFileSync(join(dir, "a.env"), "A=1\n");
    expect(readRegularFile(join(dir, "a.env"))).toBe("A=1\n");
  });

  it("refuses a FIFO at once instead of blocking on it (ENOTREG)", () => {
    execFileSync("mkfifo", [join(dir, "fifo")]);
    const started = Date.now();
    expect(() => readRegularFile(join(dir, "fifo"))).toThrow(expect.objectContaining({ code: "ENOTREG" }));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses a device, a directory and a file over the limit", () => {
    expect(() => readRegularFile("/dev/zero")).toThrow(expect.objectContaining({ code: "ENOTREG" }));
    expect(() => readRegularFile(dir)).toThrow(expect.objectContaining({ code: "EISDIR" }));
    writeFileSync(join(dir, "big"), "x".repeat(100));
    expect(() => readRegularFile(join(dir, "big"), 10)).toThrow(expect.objectContaining({ code: "EFBIG" }));
  });
});
