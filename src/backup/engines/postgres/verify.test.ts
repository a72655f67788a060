import { describe, expect, it } from "vitest";
import { compareCounts } from "./verify.js";

describe("the PostgreSQL row-count check", () => {
  const recorded = { "public.users": 5000, "public.events": 8000 };

  it("passes when every table has the rows it had at backup time", () => {
    expect(compareCounts(recorded, { "public.events": 8000, "public.users": 5000 })).toEqual({
      name: "row counts",
      ok: true,
      message: "2 tables, 13000 rows, as backed up",
    });
  });

  it("names missing tables, extra tables and different counts", () => {
    const result = compareCounts(recorded, { "public.users": 4999, "public.other": 1 });
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      "public.users has 4999 rows, 5000 were backed up; public.events is missing; public.other was not in the backup",
    );
  });
});
