import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rotateLogs } from "./log-rotation.js";

describe("rotateLogs", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-rotate-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const log = (name: string) => join(dir, name);

  it("copies, truncates and shifts old copies, keeping maxFiles files in all", async () => {
    const writer = openSync(log("stdout.log"), "a");
    try {
      for (const text of ["one\n", "two\n", "three\n"]) {
        writeSync(writer, text);
        expect(await rotateLogs(dir, { maxBytes: 1, maxFiles: 3 })).toEqual([log("stdout.log")]);
      }
      writeSync(writer, "four\n");
    } finally {
      closeSync(writer);
    }
    // O_APPEND: the writer continued at the start of the truncated file, no hole of NUL bytes.
    expect(readFileSync(log("stdout.log"), "utf8")).toBe("four\n");
    expect(readFileSync(log("stdout.log.1"), "utf8")).toBe("three\n");
    expect(readFileSync(log("stdout.log.2"), "utf8")).toBe("two\n");
    expect(existsSync(log("stdout.log.3"))).toBe(false);
    expect(existsSync(log("stdout.log.rotating"))).toBe(false);
  });

  it("only truncates when a single file is kept", async () => {
    writeFileSync(log("stderr.log"), "gone\n");
    expect(await rotateLogs(dir, { maxBytes: 4, maxFiles: 1 })).toEqual([log("stderr.log")]);
    expect(readFileSync(log("stderr.log"), "utf8")).toBe("");
    expect(existsSync(log("stderr.log.1"))).toBe(false);
  });

  it("leaves files below the size limit alone", async () => {
    writeFileSync(log("stderr.log"), "small\n");
    expect(await rotateLogs(dir, { maxBytes: 1024, maxFiles: 3 })).toEqual([]);
    await expect(rotateLogs(dir, { maxBytes: 1, maxFiles: 0 })).rejects.toThrow(RangeError);
  });
});
