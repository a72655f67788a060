import { describe, expect, it } from "vitest";
import { parseRdbCheck } from "./rdb-check.js";

describe("parseRdbCheck", () => {
  it("reads the key counts redis-check-rdb prints", () => {
    const output = `[offset 0] Checking RDB file dump.rdb
[offset 206] \\o/ RDB looks OK! \\o/
[info] 3 keys read
[info] 1 expires
[info] 0 already expired
`;
    expect(parseRdbCheck(output)).toEqual({ keys: 3, expires: 1, alreadyExpired: 0 });
  });

  it("is undefined when the counts are missing", () => {
    expect(parseRdbCheck("[offset 0] Checking RDB file x")).toBeUndefined();
  });
});
