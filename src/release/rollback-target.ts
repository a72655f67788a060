import { SlipwayError } from "../errors.js";
import type { Deploy, Release } from "../state/index.js";

/**
 * The release `slipway rollback` returns to: the one named, else the one the active release's
 * deploy replaced (never a newer release that was rolled back from), else the newest earlier
 * release that served. A release that failed or was never built is refused.
 */
export function chooseRollbackTarget(
  project: string,
  /** Newest first. */
  releases: readonly Release[],
  /** Newest first. */
  deploys: readonly Deploy[],
  releaseId: string | undefined,
): Release {
  const active = releases.find((r) => r.status === "active");
  const before = deploys.find(
    (d) => d.kind === "deploy" && d.status === "succeeded" && d.releaseId === active?.id,
  );
  const target = releaseId
    ? releases.find((r) => r.id === releaseId)
    : (releases.find((r) => r.id === before?.fromReleaseId && r.status === "superseded") ??
      releases.find(
        (r) => r.number < (active?.number ?? Number.POSITIVE_INFINITY) && r.status === "superseded",
      ));
  if (!target) {
    throw new SlipwayError({
      code: "E_ROLLBACK_NO_RELEASE",
      message: releaseId
        ? `release ${releaseId} of ${project} does not exist`
        : `${project} has no earlier release to roll back to`,
      hint: "see `slipway releases`",
    });
  }
  if (target.status === "failed" || target.status === "building") {
    throw new SlipwayError({
      code: "E_ROLLBACK_BAD_RELEASE",
      message: `release ${target.id} ${target.status === "failed" ? "failed" : "was never built"}; it cannot be rolled back to`,
      hint: "pick another release from `slipway releases`",
    });
  }
  return target;
}
