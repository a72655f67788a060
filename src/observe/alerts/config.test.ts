import { describe, expect, it } from "vitest";
import type { AppSpec } from "../../manifest/model.js";
import { alerts } from "../../manifest/schema/alerts.js";
import { alertsOf } from "./config.js";

describe("the alerts defaults", () => {
  it("are the schema's defaults, written out", () => {
    const none = { "x-slipway": {} } as unknown as AppSpec;
    expect(alertsOf(none)).toEqual(alerts.parse({}));
  });
});
