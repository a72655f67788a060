import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStore, S3Store } from "../../backup/index.js";
import { loadManifest } from "../../manifest/load.js";
import type { AppSpec } from "../../manifest/model.js";
import { slipwayPaths } from "../../state/paths.js";
import { backedUpServices, backupSource } from "./source.js";
import { backupStore } from "./stores.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-backup-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paths = slipwayPaths("/srv/slipway");

function load(yaml: string): AppSpec {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(JSON.stringify(problems));
  return spec;
}

const app = load(`name: shop
x-slipway:
  backups:
    stores:
      disk: { type: local, path: ./backups }
      offsite: { type: s3, bucket: b, endpoint: "http://127.0.0.1:9000", force_path_style: true }
services:
  db:
    image: postgres:16
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: s3cret, POSTGRES_DB: shop }
    volumes: [pgdata:/var/lib/postgresql/data]
    x-slipway: { backups: { store: disk } }
  cache:
    image: redis:7
    volumes: [redisdata:/data]
    x-slipway: { backups: {} }
  files:
    image: nginx
    build: .
    volumes: [uploads:/srv/uploads]
    x-slipway: { backups: { store: offsite } }
  web:
    build: .
volumes: { pgdata: {}, redisdata: {}, uploads: {} }
`);

describe("what a service's backups read on the process target", () => {
  it("lists the services with x-slipway.backups", () => {
    expect(backedUpServices(app)).toEqual(["db", "cache", "files"]);
  });

  it("reaches PostgreSQL on loopback at the instance's port with the image's environment contract", () => {
    expect(backupSource(app, "db", paths, 40123)).toEqual({
      kind: "postgres",
      connection: {
        host: "127.0.0.1",
        port: 40123,
        user: "app",
        password: "s3cret",
        database: "shop",
        dataDir: "/srv/slipway/volumes/shop/pgdata",
      },
    });
  });

  it("restores Redis into the volume mounted at /data", () => {
    expect(backupSource(app, "cache", paths, 40124)).toEqual({
      kind: "redis",
      connection: { host: "127.0.0.1", port: 40124, dataDir: "/srv/slipway/volumes/shop/redisdata" },
    });
  });

  it("backs up the first named volume of other services, and says when there is none", () => {
    expect(backupSource(app, "files", paths, undefined)).toEqual({
      kind: "volume",
      connection: { dataDir: "/srv/slipway/volumes/shop/uploads" },
    });
    expect(() => backupSource(app, "web", paths, undefined)).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG" }),
    );
  });
});

describe("backup stores from x-slipway.backups.stores", () => {
  it("puts `local` under the state directory unless the file names it", () => {
    const local = backupStore(app, "local", paths);
    expect(local).toBeInstanceOf(LocalStore);
    expect((local as LocalStore).dir).toBe("/srv/slipway/backups");
  });

  it("resolves a relative local path against the project directory", () => {
    expect((backupStore(app, "disk", paths) as LocalStore).dir).toBe(join(app.projectDirectory, "backups"));
  });

  it("builds S3 stores, and refuses a store that is not defined", () => {
    expect(backupStore(app, "offsite", paths)).toBeInstanceOf(S3Store);
    expect(() => backupStore(app, "tape", paths)).toThrow(
      expect.objectContaining({ code: "E_BACKUP_CONFIG", hint: "stores: local, disk, offsite" }),
    );
  });
});
