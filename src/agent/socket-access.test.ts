import { describe, expect, it } from "vitest";
import { admits, describePeer, forbidden } from "./socket-access.js";

const peer = (uid: number, gid = uid, groups: number[] = []) => ({ pid: 1, uid, gid, groups });

describe("who may call the agent", () => {
  it("admits root and the agent's user, and nobody else without a group", () => {
    const access = { ownerUid: 1000 };
    expect(admits(peer(0), access)).toBe(true);
    expect(admits(peer(1000), access)).toBe(true);
    expect(admits(peer(65534), access)).toBe(false);
    expect(admits(peer(1001, 1000), access)).toBe(false);
  });

  it("admits members of the configured group, by effective or supplementary group", () => {
    const access = { ownerUid: 1000, group: { name: "slipway", gid: 990 } };
    expect(admits(peer(1001, 990), access)).toBe(true);
    expect(admits(peer(1002, 1002, [27, 990]), access)).toBe(true);
    expect(admits(peer(1003, 1003, [27]), access)).toBe(false);
  });

  it("names the caller by uid and refuses with a code and a hint", () => {
    expect(describePeer(peer(65534), (uid) => (uid === 65534 ? "nobody" : undefined))).toBe(
      "nobody (uid 65534)",
    );
    expect(describePeer(peer(4242), () => undefined)).toBe("? (uid 4242)");
    const error = forbidden(peer(65534), { ownerUid: 0, group: { name: "ops", gid: 5 } });
    expect(error.code).toBe("E_API_FORBIDDEN");
    expect(error.hint).toContain("members of group ops");
  });
});
