import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkStateNotLost } from "./integrity.js";
import { openState } from "./store.js";
import { openTestState, sampleRelease, tempStateFile } from "./test-support.js";

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "opened";
};

describe("a state file that is not one", () => {
  it("refuses an empty file with E_STATE_EMPTY and leaves it empty (no fresh install over it)", () => {
    const file = tempStateFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "");
    expect(codeOf(() => openState(file))).toBe("E_STATE_EMPTY");
    expect(statSync(file).size).toBe(0);
  });

  it("refuses a damaged file with E_STATE_CORRUPT, naming the backup in its hint", () => {
    const file = tempStateFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "this is not sqlite, just garbage bytes ".repeat(200));
    writeFileSync(`${file}.backup`, "x");
    try {
      openState(file, { backupFile: `${file}.backup` });
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe("E_STATE_CORRUPT");
      expect((error as { hint: string }).hint).toContain(`${file}.backup`);
    }
  });

  it("refuses a missing file in a home that has run instances (E_STATE_MISSING); a new home is fine", () => {
    const file = tempStateFile();
    const home = dirname(file);
    mkdirSync(home, { recursive: true });
    expect(codeOf(() => checkStateNotLost(file, home))).toBe("opened");
    mkdirSync(join(home, "logs", "shop"), { recursive: true });
    expect(codeOf(() => checkStateNotLost(file, home))).toBe("E_STATE_MISSING");
  });
});

describe("state file permissions", () => {
  const saved = process.umask();
  afterEach(() => {
    process.umask(saved);
  });

  it("keeps the directory 0700 and state.db, -wal, -shm and backups 0600 under umask 000", () => {
    process.umask(0);
    const file = tempStateFile();
    const store = openTestState(file);
    store.insertRelease(sampleRelease("shop", { spec: { env: "API_SECRET=hunter2" } }));
    store.backupTo(`${file}.backup`);
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    expect(modeOf(dirname(file))).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}.backup`])
      expect(modeOf(path)).toBe(0o600);
    expect(readFileSync(`${file}.backup`).subarray(0, 15).toString()).toBe("SQLite format 3");
  });

  it("gives another user (nobody) nothing to read, even with the directory made traversable", () => {
    if (process.getuid?.() !== 0) return;
    const file = tempStateFile();
    const store = openTestState(file);
    store.insertRelease(sampleRelease("shop", { spec: { env: "API_SECRET=hunter2" } }));
    // As if a service running as another user had been granted traversal of the directory.
    chmodSync(dirname(file), 0o711);
    chmodSync(dirname(dirname(file)), 0o711);
    for (const path of [file, `${file}-wal`]) {
      const read = () =>
        execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "cat", path], {
          stdio: "pipe",
        });
      expect(read).toThrow(/Permission denied/);
    }
  });
});
