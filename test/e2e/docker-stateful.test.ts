import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../../src/host/binaries.js";
import { removeProjectContainers } from "../../src/targets/docker/containers.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { LABEL } from "../../src/targets/docker/labels.js";
import { sharedDockerEngine } from "../docker/engine.js";
import { eventually, finished, PATIENT, Sandbox } from "./sandbox.js";

/**
 * A Redis container (slipway-local/redis:7, made from this machine's redis-server) with a named
 * volume on the docker target: backed up over loopback, verified, and restored after its data was
 * destroyed, by the same backup engines as on the process target.
 */
const engine = await sharedDockerEngine();
if (engine.available) process.env.DOCKER_HOST = engine.host;
const REDIS_CLI = findBinary("redis-cli", "install redis-tools");

const compose = `name: \${E2E_PROJECT}
services:
  cache:
    image: slipway-local/redis:7
    volumes: [cachedata:/data]
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: 1s, retries: 10 }
    x-slipway:
      backups: { before_migrate: false }
volumes: { cachedata: {} }
x-slipway:
  target: docker
`;

describe.skipIf(!engine.available)("a Redis container on the docker target", PATIENT, () => {
  // Made when the test runs (not when a skipped or filtered run only collects it); removed even when it fails.
  let s: Sandbox;
  const env: Record<string, string> = engine.available ? { DOCKER_HOST: engine.host } : {};
  afterAll(async () => {
    if (!s) return;
    await s.cleanup();
    await removeProjectContainers(connectEngine(), s.project, { volumes: true });
  }, 120_000);
  const json = <T>(result: { stdout: string }) => JSON.parse(result.stdout) as T;
  const port = async () => {
    const ps = await s.cli(["ps", "--json"], env);
    const instance = json<{ instances: { service: string; state: string; port: number }[] }>(
      ps,
    ).instances.find((i) => i.service === "cache" && i.state === "healthy");
    return instance?.port;
  };
  const redis = async (...args: string[]) =>
    execFileSync(REDIS_CLI, ["-p", String(await port()), "--raw", ...args], { encoding: "utf8" }).trim();

  it("is backed up, verified, and restored into its volume", async () => {
    s = new Sandbox();
    s.write({ "compose.yaml": compose });
    const deploy = await s.cli(["deploy", "--json"], env);
    expect(finished(deploy.stdout).status, deploy.stdout + deploy.stderr).toBe("succeeded");
    const [container] = await connectEngine().listContainers({
      filters: { label: [`${LABEL.project}=${s.project}`] },
    });
    expect(container?.Image).toBe("slipway-local/redis:7");
    await redis("MSET", "greeting", "hello", "count", "42");

    const run = await s.cli(["backup", "run", "--json"], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [backup] = json<{ backups: { id: string; service: string }[] }>(run).backups;
    expect(backup?.service).toBe("cache");
    const verify = await s.cli(["backup", "verify", backup!.id, "--json"], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    await redis("FLUSHALL");
    const restore = await s.cli(["backup", "restore", backup!.id, "--yes", "--json"], env);
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    await eventually("the cache to be healthy again", port, 30_000);
    expect(await redis("MGET", "greeting", "count")).toBe("hello\n42");
  });
});
