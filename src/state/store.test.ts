import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../errors.js";
import { MIGRATIONS } from "./migrations.js";
import { openState } from "./store.js";
import { openTestState, sampleRelease, tempStateFile } from "./test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
/** Children resolve `tsx` and `better-sqlite3` from the repository root. */
const repoRoot = join(here, "..", "..");

/** Reads a pragma through a plain connection, as another tool inspecting the file would. */
function pragmaOf(file: string, name: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

describe("openState", () => {
  it("creates the directory and file, switches to WAL and applies every migration", () => {
    const file = tempStateFile();
    const store = openTestState(file);
    expect(existsSync(file)).toBe(true);
    expect(store.file).toBe(file);
    expect(pragmaOf(file, "journal_mode")).toBe("wal");
    expect(pragmaOf(file, "user_version")).toBe(MIGRATIONS.length);
  });

  it("re-opens an existing file without migrating again and keeps its data", () => {
    const file = tempStateFile();
    const first = openState(file);
    first.insertRelease(sampleRelease("shop"));
    first.setMeta("addr.api", "10.0.0.2");
    first.close();
    const again = openTestState(file);
    expect(again.getRelease("shop", "r1")?.specHash).toBe("sha256:abc");
    expect(again.getMeta("addr.api")).toBe("10.0.0.2");
    expect(pragmaOf(file, "user_version")).toBe(MIGRATIONS.length);
  });

  it("migrates a version-1 file: its instances survive and may then be on standby", () => {
    const file = tempStateFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!);
    db.pragma("user_version = 1");
    db.prepare(
      "INSERT INTO releases (project, id, number, created_at, spec_hash, spec, artifacts_dir, status) VALUES ('shop', 'r1', 1, 1, 'h', '{}', '/a', 'active')",
    ).run();
    db.prepare(
      "INSERT INTO instances (id, project, service, release_id, service_hash, idx, pid, start_time, started_at, port, state, restarts, updated_at) VALUES ('shop.api.r1.0', 'shop', 'api', 'r1', 'h', 0, 42, '7', 1, 3000, 'healthy', 0, 1)",
    ).run();
    db.close();
    const store = openTestState(file);
    expect(store.getInstance("shop.api.r1.0")).toMatchObject({ pid: 42, state: "healthy", port: 3000 });
    const standby = store.setInstanceState("shop.api.r1.0", "standby", { standbyUntil: 5000 });
    expect(standby).toMatchObject({ state: "standby", standbyUntil: 5000 });
    expect(pragmaOf(file, "user_version")).toBe(MIGRATIONS.length);
  });

  it("refuses a file written by a newer slipway", () => {
    const file = tempStateFile();
    openState(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    let caught: unknown;
    try {
      openState(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SlipwayError);
    expect(caught).toMatchObject({
      code: "E_STATE_VERSION",
      message: expect.stringContaining("newer slipway"),
    });
  });

  it("reports a file that is not a database with E_STATE_CORRUPT", () => {
    const file = tempStateFile();
    openState(file).close();
    writeFileSync(file, "this is not sqlite, just text that is long enough to fill a header page".repeat(20));
    expect(() => openState(file)).toThrow(expect.objectContaining({ code: "E_STATE_CORRUPT" }));
  });

  it("enforces foreign keys on every connection", () => {
    const store = openTestState();
    expect(() =>
      store.startJobRun({ project: "shop", service: "api", releaseId: "r9", kind: "run" }),
    ).toThrow(expect.objectContaining({ code: "E_RELEASE_NOT_FOUND" }));
  });
});

describe("transaction", () => {
  it("leaves nothing half-written when the function throws", () => {
    const store = openTestState();
    store.insertRelease(sampleRelease("shop"));
    store.activateRelease("shop", "r1");
    expect(() =>
      store.transaction(() => {
        store.insertRelease(sampleRelease("shop"));
        store.activateRelease("shop", "r2");
        store.addEvent({ project: "shop", kind: "release.activated", level: "info", message: "r2 is live" });
        store.setMeta("last", "r2");
        throw new Error("crash between steps");
      }),
    ).toThrow("crash between steps");
    expect(store.listReleases("shop").map((r) => [r.id, r.status])).toEqual([["r1", "active"]]);
    expect(store.listEvents("shop")).toEqual([]);
    expect(store.getMeta("last")).toBeUndefined();
  });

  it("returns the function's value and nests", () => {
    const store = openTestState();
    const id = store.transaction(() =>
      store.transaction(() => store.insertRelease(sampleRelease("shop")).id),
    );
    expect(id).toBe("r1");
  });

  it("leaves nothing half-written when the process is killed inside a transaction", () => {
    const file = tempStateFile();
    const script = join(dirname(file), "..", "crash.mjs");
    writeFileSync(
      script,
      `import { openState } from ${JSON.stringify(join(here, "store.ts"))};
       const store = openState(${JSON.stringify(file)});
       store.insertRelease(${JSON.stringify(sampleRelease("shop"))});
       store.transaction(() => {
         store.insertRelease(${JSON.stringify(sampleRelease("shop"))});
         store.activateRelease("shop", "r2");
         process.kill(process.pid, "SIGKILL");
       });`,
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", script], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    const store = openTestState(file);
    expect(store.listReleases("shop").map((r) => [r.id, r.status])).toEqual([["r1", "ready"]]);
  }, 30_000); // tsx compiles the store in the child first
});

describe("two stores on one file (agent and CLI)", () => {
  it("see each other's writes", () => {
    const file = tempStateFile();
    const agent = openTestState(file);
    const cli = openTestState(file);
    cli.insertRelease(sampleRelease("shop"));
    expect(agent.getRelease("shop", "r1")?.status).toBe("ready");
    agent.activateRelease("shop", "r1");
    expect(cli.activeRelease("shop")?.id).toBe("r1");
    agent.setMeta("addr.api", "10.0.0.2");
    expect(cli.getMeta("addr.api")).toBe("10.0.0.2");
  });

  it("waits for another process's write lock instead of failing", async () => {
    const file = tempStateFile();
    const store = openTestState(file);
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = require("better-sqlite3")(${JSON.stringify(file)});
         db.exec("BEGIN IMMEDIATE");
         console.log("locked");
         setTimeout(() => { db.exec("COMMIT"); db.close(); }, 300);`,
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const started = Date.now();
    store.setMeta("k", "v");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(store.getMeta("k")).toBe("v");
    await new Promise((resolve) => holder.once("exit", resolve));
  });
});

describe("meta", () => {
  it("stores, replaces and misses keys", () => {
    const store = openTestState();
    expect(store.getMeta("addr.api")).toBeUndefined();
    store.setMeta("addr.api", "10.0.0.2");
    store.setMeta("addr.api", "10.0.0.3");
    expect(store.getMeta("addr.api")).toBe("10.0.0.3");
  });
});
