import { imageTag } from "../../manifest/images.js";
import type { LintRule } from "../rule.js";

/** An image pulled by the `latest` tag, written or implied. */
export const imageUnpinned: LintRule = {
  code: "W_CHECK_IMAGE_LATEST",
  severity: "warning",
  title: "image uses the `latest` tag or no tag",
  hint: "pin a version (`postgres:16.4-alpine`) or a digest (`@sha256:…`) so every deploy and rollback runs the same image",
  *check(spec) {
    for (const service of Object.values(spec.services)) {
      // with `build`, `image` names the image slipway builds, not one it pulls
      if (!service.image || service.build || service.image.includes("@")) continue;
      const tag = imageTag(service.image);
      if (tag !== undefined && tag !== "latest") continue;
      yield {
        message: `service "${service.name}" uses image "${service.image}"${tag ? "" : ", which means the `latest` tag"}`,
        path: ["services", service.name, "image"],
      };
    }
  },
};
