import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../../backup.js";
import { restoreBackup } from "../../restore.js";
import { LocalStore } from "../../stores/local/local-store.js";
import { createFixtureDatabase, tableChecksums } from "../../testing/postgres-fixture.js";
import { type PostgresServer, startPostgresServer } from "../../testing/postgres-server.js";
import { PostgresBackupEngine } from "./postgres-engine.js";
import { keptHead } from "./sectioned-restore.js";

const MB = 1024 * 1024;

describe("keptHead: the head of a restore stream kept for the post-data section", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "slipway-kept-head-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = Buffer.alloc(9 * MB);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i, i);

  /** Streams `data` through keptHead in 64 KiB chunks; returns what came out, what was kept and the checks' sizes. */
  async function run(name: string, answers: boolean[]) {
    const path = join(dir, name);
    const checkedAt: number[] = [];
    const file = createWriteStream(path);
    const { tee, kept } = keptHead(file, async () => {
      checkedAt.push(readFileSync(path).length);
      return answers.shift() ?? false;
    });
    const out: Buffer[] = [];
    const chunks = Array.from({ length: data.length / (64 * 1024) }, (_, i) =>
      data.subarray(i * 64 * 1024, (i + 1) * 64 * 1024),
    );
    await pipeline(
      Readable.from(chunks),
      tee,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          out.push(chunk);
          done();
        },
      }),
    );
    await kept;
    return { passed: Buffer.concat(out), kept: readFileSync(path), checkedAt };
  }

  it("keeps the whole stream while the table of contents is never whole", async () => {
    const { passed, kept, checkedAt } = await run("never", []);
    expect(passed.equals(data)).toBe(true);
    expect(kept.equals(data)).toBe(true);
    expect(checkedAt.length).toBeGreaterThanOrEqual(2); // at 1 MB and 4 MB (16 MB is past the end)
  });

  it("stops keeping once a check says the table of contents is whole; everything still passes", async () => {
    const { passed, kept, checkedAt } = await run("second", [false, true]);
    expect(passed.equals(data)).toBe(true);
    expect(kept.length).toBeGreaterThanOrEqual(4 * MB);
    expect(kept.length).toBeLessThan(data.length);
    expect(kept.equals(data.subarray(0, kept.length))).toBe(true);
    expect(checkedAt).toHaveLength(2);
  });
});

describe("sectioned restore on a real server", { timeout: 60_000 }, () => {
  let server: Promise<PostgresServer> | undefined;
  let pg: PostgresServer;
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-sectioned-"));
    server = startPostgresServer();
    pg = await server;
  }, 120_000);
  afterAll(async () => {
    await (await server?.catch(() => undefined))?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const schemaQuery = `SELECT json_build_object(
    'indexes', (SELECT json_agg(indexdef ORDER BY indexdef) FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')),
    'constraints', (SELECT json_agg(conname || ' ' || pg_get_constraintdef(oid) ORDER BY conname) FROM pg_constraint WHERE connamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema')))`;

  it.each([2, 1])(
    "restores data, indexes and constraints from a stream larger than the kept head (jobs %i)",
    async (jobs) => {
      await createFixtureDatabase(pg, `source_${jobs}`);
      const store = new LocalStore(join(dir, `store_${jobs}`));
      const engine = new PostgresBackupEngine({ ...pg.connection, database: `source_${jobs}` });
      const manifest = await runBackup({ engine, store, project: "p", service: "db" });
      expect(manifest.sizes.raw).toBeGreaterThan(MB); // the first check of the kept head happens
      const copy = `copy_${jobs}`;
      await restoreBackup({
        engine,
        store,
        project: "p",
        service: "db",
        id: manifest.id,
        target: { database: copy, jobs },
      });
      expect(await tableChecksums(pg, copy)).toEqual(await tableChecksums(pg, `source_${jobs}`));
      expect(await pg.sql(copy, schemaQuery)).toBe(await pg.sql(`source_${jobs}`, schemaQuery));
      expect(JSON.parse(await pg.sql(copy, schemaQuery)).indexes.length).toBeGreaterThanOrEqual(5);
    },
  );
});
