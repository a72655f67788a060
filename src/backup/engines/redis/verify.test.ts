import { describe, expect, it } from "vitest";
import { compareKeyCount, keyCount } from "./verify.js";

describe("the Redis key-count check", () => {
  it("sums the keys of every database in INFO keyspace", () => {
    const info =
      "# Keyspace\r\ndb0:keys=1801,expires=300,avg_ttl=3599000\r\ndb3:keys=40,expires=1,avg_ttl=0\r\n";
    expect(keyCount(info)).toBe(1841);
    expect(keyCount("# Keyspace\r\n")).toBe(0);
  });

  it("passes an exact count, allows keys with a TTL to have expired since, and fails anything else", () => {
    const recorded = { keys: 100, expires: 10, alreadyExpired: 2 };
    expect(compareKeyCount(recorded, 98)).toMatchObject({ ok: true, message: "98 keys, as backed up" });
    expect(compareKeyCount(recorded, 95)).toMatchObject({
      ok: true,
      message: expect.stringContaining("3 keys with a TTL expired"),
    });
    expect(compareKeyCount(recorded, 89).ok).toBe(false);
    expect(compareKeyCount(recorded, 99).ok).toBe(false);
  });
});
