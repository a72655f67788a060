import { describe, expect, it } from "vitest";
import type { Deploy, Release, ReleaseStatus } from "../state/index.js";
import { chooseRollbackTarget } from "./rollback-target.js";

const release = (number: number, status: ReleaseStatus): Release => ({
  project: "shop",
  id: `r${number}`,
  number,
  createdAt: number,
  specHash: `h${number}`,
  spec: {},
  artifactsDir: "/a",
  status,
});
const deploy = (
  id: number,
  releaseId: string,
  fromReleaseId: string | undefined,
  kind: Deploy["kind"] = "deploy",
): Deploy => ({
  id,
  project: "shop",
  releaseId,
  fromReleaseId,
  kind,
  startedAt: id,
  status: "succeeded",
  ownerPid: 1,
});

describe("chooseRollbackTarget", () => {
  it("returns to the release the active one replaced", () => {
    const releases = [release(3, "active"), release(2, "superseded"), release(1, "superseded")];
    // r3 was deployed over r1 (r2 had been rolled back from): rollback goes to r1, not r2.
    const deploys = [deploy(4, "r3", "r1"), deploy(3, "r1", "r2", "rollback"), deploy(2, "r2", "r1")];
    expect(chooseRollbackTarget("shop", releases, deploys, undefined).id).toBe("r1");
  });

  it("without that record, the newest earlier release that served", () => {
    const releases = [release(3, "active"), release(2, "failed"), release(1, "superseded")];
    expect(chooseRollbackTarget("shop", releases, [], undefined).id).toBe("r1");
  });

  it("a named release is taken as named", () => {
    const releases = [release(2, "active"), release(1, "superseded")];
    expect(chooseRollbackTarget("shop", releases, [], "r1").id).toBe("r1");
  });

  it.each([
    ["no earlier release", [release(1, "active")], undefined, "E_ROLLBACK_NO_RELEASE"],
    ["an unknown release", [release(1, "active")], "r9", "E_ROLLBACK_NO_RELEASE"],
    ["a failed release", [release(2, "active"), release(1, "failed")], "r1", "E_ROLLBACK_BAD_RELEASE"],
  ])("refuses %s", (_what, releases, named, code) => {
    expect(() => chooseRollbackTarget("shop", releases, [], named)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
