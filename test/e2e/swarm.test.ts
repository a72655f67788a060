import { describe, expect, it } from "vitest";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { sharedSwarm } from "../docker/swarm.js";
import { answer, load } from "./http.js";
import { isAlive } from "./procs.js";
import { eventually, finished, freePort, PATIENT, sandboxPerTest, servicesIn } from "./sandbox.js";
import { SWARM_DOCKERFILE, SWARM_HEALTHY, swarmProjects } from "./swarm-support.js";

const swarm = await sharedSwarm();
// The CLI gets it through its environment; this file's own engine client (cleanup, checks) reads it here.
if (swarm.available) process.env.DOCKER_HOST = swarm.host;

/**
 * `web` (2 replicas, Swarm rolling update) published on a loopback port through slipway's router,
 * and `worker`, which reaches web by name (`http://web:3000`) from its own task.
 */
function compose(port: number, workerPort: number, version: string, web = "", update = "") {
  return `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: ${version}
    healthcheck:
      test: ${SWARM_HEALTHY}
      interval: 2s
      timeout: 10s
      retries: 2
    deploy:
      replicas: 2
      update_config:
        parallelism: 1
        order: stop-first
        monitor: 2s
${update}${web}  worker:
    build: ./app
    ports: ["127.0.0.1:${workerPort}:3000"]
    environment:
      APP_VERSION: worker
      UPSTREAM: http://web:3000/
    depends_on:
      web: { condition: service_healthy }
x-slipway:
  target: swarm
`;
}

describe.skipIf(!swarm.available)("the swarm target through bin/slipway", PATIENT, () => {
  const sandbox = sandboxPerTest();
  const env: Record<string, string> = swarm.available ? { DOCKER_HOST: swarm.host } : {};
  const docker = () => connectEngine();
  const make = swarmProjects(sandbox, SWARM_DOCKERFILE, ["web", "worker"]);
  const servicesOf = async (project: string) =>
    docker().listServices({ filters: { label: [`com.docker.compose.project=${project}`] } });

  it("deploys web ×2 and a worker that reaches it by name, updates under load with 0 failed requests, and rolls back without a rebuild", async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const s = make({ "compose.yaml": compose(port, workerPort, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");
    expect((await answer(workerPort)).upstream?.version).toBe("v1");
    const services = await servicesOf(s.project);
    expect(services.map((x) => x.Spec?.Name).sort()).toEqual([`${s.project}_web`, `${s.project}_worker`]);
    const ps = await s.ps();
    const running = (ps.tasks ?? []).filter((t) => t.service === "web" && t.state === "running");
    expect(running.map((t) => t.slot).sort()).toEqual([1, 2]);
    expect(running.every((t) => t.node.length > 0)).toBe(true);

    s.write({ "compose.yaml": compose(port, workerPort, "v2") });
    const deploy = s.start(["deploy", "--json"], env);
    let done = false;
    void deploy.done.then(() => {
      done = true;
    });
    // Paced (≤ 400 requests/s): the load lasts as long as the update, however fast the machine is.
    const report = await load(port, () => done, { maxRequests: 40_000, maxMs: 120_000, pauseMs: 5 });
    const second = await deploy.done;
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(servicesIn(second.stdout, "updating")).toContain("web");
    expect(report.failures).toEqual([]);
    expect(report.versions.v2).toBeGreaterThan(0);
    expect((await answer(port)).version).toBe("v2");

    const rollback = await s.cli(["rollback", "--json"], env);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "building")).toEqual([]);
    expect((await answer(port)).version).toBe("v1");
    const logs = await s.cli(["logs", "web"], env);
    expect(logs.stdout).toMatch(/web \| web v1 listening on \d+/);
  });

  it("reports Swarm's own rollback of an unhealthy update with the task's error (exit 1, v1 serving), and a failing migration job", async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const s = make({ "compose.yaml": compose(port, workerPort, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    // v2 listens, but its healthcheck fails: Swarm stops the task and rolls the update back itself.
    const failing = compose(port, workerPort, "v2").replace(
      SWARM_HEALTHY,
      // A cheap probe (the image's dash): this machine's two cores also run the load and both releases.
      `["CMD-SHELL", "echo probe says: no database; exit 1"]`,
    );
    s.write({ "compose.yaml": failing });
    const deploy = s.start(["deploy", "--json"], env, 240_000);
    let done = false;
    void deploy.done.then(() => {
      done = true;
    });
    const report = await load(port, () => done, { maxRequests: 4000, maxMs: 200_000 });
    const result = await deploy.done;
    expect(result.code, result.stdout).toBe(1);
    const end = finished(result.stdout);
    expect(end, result.stdout).toMatchObject({
      status: "rolled-back",
      error: { code: "E_DEPLOY_ENGINE_ROLLED_BACK" },
    });
    expect(end.error?.message).toContain("probe says: no database");
    expect(report.failures).toEqual([]);
    expect((await answer(port)).version).toBe("v1");

    const migrate = `    x-slipway:\n      migrate: "node -e \\"console.error('relation users already exists'); process.exit(3)\\""\n`;
    s.write({ "compose.yaml": compose(port, workerPort, "v3", migrate) });
    const migration = await s.cli(["deploy", "--json"], env);
    expect(migration.code).toBe(1);
    expect(finished(migration.stdout).error).toMatchObject({ code: "E_DEPLOY_MIGRATION_FAILED" });
    expect(finished(migration.stdout).error?.message).toContain("relation users already exists");
    expect((await answer(port)).version).toBe("v1");
    const jobs = await docker().listServices({ filters: { label: ["dev.slipway.kind=job"] } });
    expect(jobs.filter((j) => j.Spec?.Labels?.["com.docker.compose.project"] === s.project)).toEqual([]);
  });

  it("resumes watching the same update after the agent is killed with -9, and reports its real outcome", async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const s = make({ "compose.yaml": compose(port, workerPort, "v1") });
    const first = await s.cli(["deploy", "--json"], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    // A slow update (3 s between tasks): the agent dies in the middle of it.
    s.write({ "compose.yaml": compose(port, workerPort, "v2", "", "        delay: 3s\n") });
    const deploy = s.start(["deploy", "--json"], env);
    await deploy.waitForEvent((e) => e.type === "service" && e.service === "web" && e.phase === "updating");
    const pid = s.agentPid()!;
    process.kill(pid, "SIGKILL");
    await eventually("the agent to die", () => !isAlive(pid), 5000);
    expect((await deploy.done).code).not.toBe(0);
    const restart = await s.cli(["agent", "start"], env, 180_000);
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    const settled = await eventually(
      "the interrupted deploy's outcome",
      async () => (await s.releases()).deploys.find((d) => d.status !== "running" && d.releaseId === "r2"),
      120_000,
    );
    expect(settled.status).toBe("succeeded");
    expect((await answer(port)).version).toBe("v2");
    const ps = await s.ps();
    expect(ps.release).toBe("r2");
    expect(
      (ps.tasks ?? []).filter((t) => t.service === "web" && t.state === "running").map((t) => t.release),
    ).toEqual(["r2", "r2"]);
  });
});
