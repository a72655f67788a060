import { z } from "zod";
import { Duration, parseDuration } from "../duration.js";

export { Duration, formatDuration, parseDuration } from "../duration.js";

/** A Compose duration field: `"1m30s"`, `"500ms"` or a number of seconds. */
export const duration = z.union([z.string(), z.number().nonnegative()]).transform((value, ctx) => {
  const ms = typeof value === "number" ? value * 1000 : parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a duration; write it like 30s, 1m30s, 500ms or 2h`,
    });
    return z.NEVER;
  }
  return new Duration(ms);
});
