import { describe, expect, it } from "vitest";
import { isSameLiveProcess, parseProcStat, readProcStat } from "./proc-stat.js";

const rest = (state: string) =>
  `${state} 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615`;

describe("parseProcStat", () => {
  it("reads state, process group and start time (field 22)", () => {
    expect(parseProcStat(`4242 (sleep) ${rest("S")}`)).toEqual({
      state: "S",
      processGroup: 4242,
      startTime: "987654",
    });
  });

  it("counts fields from the last ')' so a command name with spaces and parentheses cannot shift them", () => {
    expect(parseProcStat(`4242 (a) b (c) Z 9) ${rest("Z")}`)).toEqual({
      state: "Z",
      processGroup: 4242,
      startTime: "987654",
    });
  });

  it("rejects lines that are not a stat line", () => {
    expect(parseProcStat("garbage")).toBeUndefined();
    expect(parseProcStat("1 (x) S 1")).toBeUndefined();
  });
});

describe("readProcStat", () => {
  it("reads this process and nothing for a PID that does not exist", () => {
    const own = readProcStat(process.pid);
    expect(own?.state).toMatch(/^[RS]$/);
    expect(isSameLiveProcess({ pid: process.pid, startTime: own?.startTime ?? "" })).toBe(true);
    expect(isSameLiveProcess({ pid: process.pid, startTime: "1" })).toBe(false);
    expect(readProcStat(2 ** 22 + 1)).toBeUndefined();
  });
});
