import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../../src/host/binaries.js";
import { removeProjectContainers } from "../../src/targets/docker/containers.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { LABEL } from "../../src/targets/docker/labels.js";
import { sharedDockerEngine } from "../docker/engine.js";
import { eventually, finished, PATIENT, Sandbox } from "./sandbox.js";

/**
 * PostgreSQL and Redis containers (slipway-local/postgres and slipway-local/redis:7, made from this
 * machine's binaries) with named volumes on the docker target: backed up over loopback, verified,
 * and restored after their data was destroyed, by the same backup engines as on the process target.
 */
const engine = await sharedDockerEngine();
if (engine.available) process.env.DOCKER_HOST = engine.host;
const REDIS_CLI = findBinary("redis-cli", "install redis-tools");
const PSQL = findBinary("psql", "install postgresql-client");
const PG = { PGUSER: "app", PGPASSWORD: "secret", PGDATABASE: "shop", PGHOST: "127.0.0.1" };
/** The local PostgreSQL image is tagged with the machine's major version. */
const PG_MAJOR = /postgresql\/(\d+)\//.exec(PSQL)?.[1] ?? "15";

const compose = `name: \${E2E_PROJECT}
services:
  db:
    image: slipway-local/postgres:${PG_MAJOR}
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: shop }
    volumes: [dbdata:/var/lib/postgresql/data]
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U app -d shop"], interval: 1s, retries: 60 }
    x-slipway:
      backups: { before_migrate: false, verify_check: "select count(*) from items" }
  cache:
    image: slipway-local/redis:7
    volumes: [cachedata:/data]
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1s, retries: 10 }
    x-slipway:
      backups: { before_migrate: false }
volumes: { dbdata: {}, cachedata: {} }
x-slipway:
  target: docker
`;

interface Ps {
  readonly instances: readonly { service: string; state: string; port: number }[];
}

describe.skipIf(!engine.available)("PostgreSQL and Redis containers on the docker target", PATIENT, () => {
  // Made when the test runs (not when a skipped or filtered run only collects it); removed even when it fails.
  let s: Sandbox;
  const env: Record<string, string> = engine.available ? { DOCKER_HOST: engine.host } : {};
  afterAll(async () => {
    if (!s) return;
    await s.cleanup();
    await removeProjectContainers(connectEngine(), s.project, { volumes: true });
  }, 120_000);
  const json = <T>(result: { stdout: string }) => JSON.parse(result.stdout) as T;
  const port = async (service: string) =>
    json<Ps>(await s.cli(["ps", "--json"], env)).instances.find(
      (i) => i.service === service && i.state === "healthy",
    )?.port;
  const redis = async (...args: string[]) =>
    execFileSync(REDIS_CLI, ["-p", String(await port("cache")), "--raw", ...args], {
      encoding: "utf8",
    }).trim();
  const sql = async (query: string) =>
    execFileSync(PSQL, ["-At", "-v", "ON_ERROR_STOP=1", "-p", String(await port("db")), "-c", query], {
      env: { ...process.env, ...PG },
      encoding: "utf8",
    }).trim();

  it("are backed up, verified, and restored into their volumes", async () => {
    s = new Sandbox();
    s.write({ "compose.yaml": compose });
    const deploy = await s.cli(["deploy", "--json"], env, 240_000);
    expect(finished(deploy.stdout).status, deploy.stdout + deploy.stderr).toBe("succeeded");
    const containers = await connectEngine().listContainers({
      filters: { label: [`${LABEL.project}=${s.project}`] },
    });
    expect(containers.map((c) => c.Image).sort()).toEqual([
      `slipway-local/postgres:${PG_MAJOR}`,
      "slipway-local/redis:7",
    ]);
    await redis("MSET", "greeting", "hello", "count", "42");
    await sql("create table items (id int primary key, name text not null)");
    await sql("insert into items select i, 'item ' || i from generate_series(1, 300) i");

    const run = await s.cli(["backup", "run", "--json"], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const backups = json<{ backups: { id: string; service: string }[] }>(run).backups;
    expect(backups.map((b) => b.service).sort()).toEqual(["cache", "db"]);
    for (const backup of backups) {
      const verify = await s.cli(["backup", "verify", backup.id, "--json"], env);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    }

    await redis("FLUSHALL");
    await sql("drop table items");
    for (const backup of backups) {
      const restore = await s.cli(["backup", "restore", backup.id, "--yes", "--json"], env);
      expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    }
    await eventually("the cache to be healthy again", () => port("cache"), 30_000);
    expect(await redis("MGET", "greeting", "count")).toBe("hello\n42");
    expect(await sql("select count(*) from items")).toBe("300");
  });
});
