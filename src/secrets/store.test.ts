import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SecretStore } from "./store.js";
import { tempSecretStore } from "./test-support.js";

const VALUE = "xoxb-planted-4c0ffee-secret";

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("SecretStore", () => {
  it("keeps values encrypted at rest: no file in the home holds the value", async () => {
    const { store, home } = tempSecretStore();
    await store.set("shop", "bot_token", VALUE);
    expect(await store.get("shop", "bot_token")).toBe(VALUE);
    for (const file of filesUnder(home)) expect(readFileSync(file, "utf8")).not.toContain(VALUE);
  });

  it("makes the key and every sealed file 0600 and their directories 0700, under umask 000", async () => {
    const saved = process.umask(0);
    try {
      const { store, home } = tempSecretStore();
      await store.set("shop", "bot_token", VALUE);
      for (const file of filesUnder(home)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      for (const dir of ["secrets", "secrets/shop", "secrets/shop/bot_token"])
        expect(statSync(join(home, dir)).mode & 0o777, dir).toBe(0o700);
    } finally {
      process.umask(saved);
    }
  });

  it("adds versions, keeps the old ones readable, and reuses the latest for an unchanged value", async () => {
    const { store } = tempSecretStore();
    expect(await store.set("shop", "db", "one")).toBe(1);
    expect(await store.setIfChanged("shop", "db", "one")).toBe(1);
    expect(await store.setIfChanged("shop", "db", "two")).toBe(2);
    expect(await store.get("shop", "db", 1)).toBe("one");
    expect(await store.get("shop", "db")).toBe("two");
    expect(store.list("shop")).toEqual([
      expect.objectContaining({ name: "db", versions: [1, 2], latest: 2 }),
    ]);
    expect(store.remove("shop", "db")).toBe(true);
    expect(store.list("shop")).toEqual([]);
  });

  it("reports a missing secret with its name and the command that sets it, never a value", async () => {
    const { store } = tempSecretStore();
    await expect(store.get("shop", "nope")).rejects.toMatchObject({
      code: "E_SECRET_NOT_FOUND",
      hint: expect.stringContaining("slipway secret set nope"),
    });
  });

  it.each(["..", "../x", ".hidden", "a/b", ""])("refuses the name %j (E_SECRET_NAME)", async (name) => {
    const { store } = tempSecretStore();
    await expect(store.set("shop", name, "v")).rejects.toMatchObject({ code: "E_SECRET_NAME" });
  });

  it("refuses a machine key that others can read", async () => {
    const { store, home } = tempSecretStore();
    await store.set("shop", "a", "v");
    chmodSync(join(home, "secrets.key"), 0o644);
    const again = new SecretStore(join(home, "secrets"), join(home, "secrets.key"));
    await expect(again.get("shop", "a")).rejects.toMatchObject({ code: "E_SECRET_KEY" });
  });

  it("gives another user (nobody) nothing to read, even with every directory made traversable", async () => {
    if (process.getuid?.() !== 0) return;
    const { store, home } = tempSecretStore();
    await store.set("shop", "bot_token", VALUE);
    for (const dir of [
      home,
      join(home, "secrets"),
      join(home, "secrets/shop"),
      join(home, "secrets/shop/bot_token"),
    ])
      chmodSync(dir, 0o711);
    for (const file of [join(home, "secrets.key"), join(home, "secrets/shop/bot_token/1.age")]) {
      const read = () =>
        execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "cat", file], {
          stdio: "pipe",
        });
      expect(read).toThrow(/Permission denied/);
    }
  });
});
