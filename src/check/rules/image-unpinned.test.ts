import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { imageUnpinned } from "./image-unpinned.js";

describe("W_CHECK_IMAGE_LATEST", () => {
  it("flags `latest` and a missing tag, also behind a registry with a port", () => {
    const findings = check(
      imageUnpinned,
      `
      services:
        a: { image: "redis:latest" }
        b: { image: postgres }
        c: { image: "registry.local:5000/team/bot" }
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "W_CHECK_IMAGE_LATEST services.a.image",
      "W_CHECK_IMAGE_LATEST services.b.image",
      "W_CHECK_IMAGE_LATEST services.c.image",
    ]);
    expect(findings[1]?.message).toContain("`latest`");
  });

  it("accepts a version tag, a digest, and the name of an image slipway builds", () => {
    const findings = check(
      imageUnpinned,
      `
      services:
        a: { image: "registry.local:5000/team/bot:1.4" }
        b: { image: "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
        c: { image: acme/api, build: . }
      `,
    );
    expect(findings).toEqual([]);
  });
});
