import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DashboardAccess } from "./access.js";

function access(now: () => number) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-dashboard-access-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "home", "dashboard.json");
  return { file, access: new DashboardAccess(file, now) };
}

describe("dashboard access", () => {
  it("trades a login token once for a session, and keeps only hashes in a 0600 file", () => {
    const { file, access: a } = access(Date.now);
    const login = a.createLogin();
    const session = a.redeemLogin(login)!;
    expect(session).toMatch(/^[\w-]{43}$/);
    expect(a.redeemLogin(login)).toBeUndefined();
    expect(a.hasSession(session)).toBe(true);
    expect(a.hasSession(login)).toBe(false);
    expect(a.hasSession(undefined)).toBe(false);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(login);
    expect(text).not.toContain(session);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    a.endSession(session);
    expect(a.hasSession(session)).toBe(false);
  });

  it("lets a login link lapse after 15 minutes and a session after 12 hours", () => {
    let now = 1_000_000;
    const { access: a } = access(() => now);
    const late = a.createLogin();
    now += 15 * 60_000 + 1;
    expect(a.redeemLogin(late)).toBeUndefined();
    const session = a.redeemLogin(a.createLogin())!;
    now += 12 * 3_600_000 - 1;
    expect(a.hasSession(session)).toBe(true);
    now += 2;
    expect(a.hasSession(session)).toBe(false);
  });
});
