import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "./load.js";
import { Duration } from "./schema/duration.js";
import { deserializeAppSpec, serializeAppSpec } from "./serialize.js";

describe("AppSpec serialization", () => {
  it("round-trips the example platform with Durations intact", () => {
    const file = resolve(import.meta.dirname, "../../examples/bot-platform/compose.yaml");
    const { spec } = loadManifest({ files: [file], env: {} });
    expect(spec).toBeDefined();
    const revived = deserializeAppSpec(serializeAppSpec(spec!));
    expect(revived).toEqual(spec);
    const db = Object.values(revived.services).find((s) => s.healthcheck);
    expect(db?.healthcheck?.interval).toBeInstanceOf(Duration);
    expect(Object.isFrozen(revived.services)).toBe(true);
  });
});
