import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLogTail } from "./log-tail.js";

describe("readLogTail", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-tail-"));
    writeFileSync(join(dir, "stdout.log.1"), "o1\no2\n");
    writeFileSync(join(dir, "stdout.log"), "o3\no4\n");
    writeFileSync(join(dir, "stderr.log"), "e1\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("returns the current files, stdout first, each in file order", async () => {
    expect(await readLogTail(dir)).toEqual([
      { stream: "stdout", line: "o3" },
      { stream: "stdout", line: "o4" },
      { stream: "stderr", line: "e1" },
    ]);
  });

  it("takes the last lines per stream, reaching into the newest rotated file", async () => {
    const lines = await readLogTail(dir, { tail: 3 });
    expect(lines.map((l) => l.line)).toEqual(["o2", "o3", "o4", "e1"]);
    expect(await readLogTail(dir, { tail: 0 })).toEqual([]);
  });

  it("skips whole files last written before `since`", async () => {
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, "stderr.log"), old, old);
    const lines = await readLogTail(dir, { since: new Date(Date.now() - 60_000) });
    expect(lines.map((l) => l.stream)).toEqual(["stdout", "stdout"]);
  });
});
