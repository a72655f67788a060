import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CertificateManager } from "./manager.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-renewal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("CertificateManager.renewalsDue", () => {
  it("lists the certificates that expire within 30 days of the given time", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const manager = new CertificateManager({ dir, clock: () => now });
    await manager.ensureSelfSigned(["old.test"]); // notAfter 2030-04-01
    now = new Date("2030-02-15T00:00:00Z");
    await manager.ensureSelfSigned(["new.test"]); // notAfter 2030-05-16

    expect(await manager.renewalsDue(new Date("2030-02-15T00:00:00Z"))).toEqual([]);
    const due = await manager.renewalsDue(new Date("2030-03-03T00:00:00Z")); // 29 days before old.test expires
    expect(due.map((info) => [info.source, info.domains])).toEqual([["self-signed", ["old.test"]]]);
    expect(due[0]?.notAfter.toISOString()).toBe("2030-04-01T00:00:00.000Z");
    const later = await manager.renewalsDue(new Date("2030-05-01T00:00:00Z")); // old.test expired, new.test due
    expect(later.map((info) => info.domains[0]).sort()).toEqual(["new.test", "old.test"]);

    now = new Date("2030-03-03T00:00:00Z"); // the manager's own clock decides by default
    expect((await manager.renewalsDue()).map((info) => info.domains[0])).toEqual(["old.test"]);
  });
});
