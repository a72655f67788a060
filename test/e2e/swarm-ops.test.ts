import { describe, expect, it } from "vitest";
import { sharedSwarm } from "../docker/swarm.js";
import { answer, load } from "./http.js";
import { eventually, freePort, PATIENT, sandboxPerTest } from "./sandbox.js";
import { SWARM_DOCKERFILE, SWARM_HEALTHY, swarmProjects } from "./swarm-support.js";

const swarm = await sharedSwarm();
if (swarm.available) process.env.DOCKER_HOST = swarm.host;

/** `web` ×2 on Swarm behind slipway's router (one task at a time, in `order`). */
const compose = (port: number, order: string) => `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: v1
    healthcheck:
      test: ${SWARM_HEALTHY}
      interval: 2s
      timeout: 10s
      retries: 2
    deploy:
      replicas: 2
      update_config:
        parallelism: 1
        order: ${order}
        monitor: 2s
x-slipway:
  target: swarm
`;

describe.skipIf(!swarm.available)("swarm: restart and logs -f through bin/slipway", PATIENT, () => {
  const sandbox = sandboxPerTest();
  const env: Record<string, string> = swarm.available ? { DOCKER_HOST: swarm.host } : {};
  const make = swarmProjects(sandbox, SWARM_DOCKERFILE, ["web"]);

  // start-first: a replacement runs beside the task it replaces, so a restart gives it fresh ports.
  it.each(["stop-first", "start-first"])(
    "restart (%s) replaces every task through Swarm's own update (new task ids) while the service keeps serving, and logs -f follows the new tasks' lines until it is interrupted",
    async (order) => {
      const port = await freePort();
      const s = make({ "compose.yaml": compose(port, order) });
      const first = await s.cli(["deploy", "--json"], env);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const runningTasks = async () =>
        ((await s.ps()).tasks ?? []).filter((t) => t.service === "web" && t.state === "running");
      const before = (await runningTasks()).map((t) => t.id);
      expect(before).toHaveLength(2);

      // Only lines written from now on (-n 0): the new tasks' "listening" lines prove it follows.
      const follower = s.start(["logs", "-f", "-n", "0", "web"], env, 240_000);
      let restarted = false;
      const restart = s.cli(["restart", "web"], env, 240_000).finally(() => {
        restarted = true;
      });
      const report = await load(port, () => restarted, { maxRequests: 40_000, maxMs: 200_000, pauseMs: 5 });
      const result = await restart;
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(report.failures).toEqual([]);
      expect(report.versions.v1).toBeGreaterThan(0);
      const after = await runningTasks();
      expect(after).toHaveLength(2);
      expect(after.filter((t) => before.includes(t.id))).toEqual([]);
      expect(after.every((t) => t.release === "r1")).toBe(true);
      expect((await answer(port)).version).toBe("v1");

      const printed = await eventually(
        "logs -f to print the new tasks' lines",
        () => {
          const text = follower.output();
          return (text.match(/web-[12] *\| web v1 listening on \d+/g)?.length ?? 0) >= 2 ? text : undefined;
        },
        60_000,
      );
      expect(printed).toMatch(/web-1 *\| web v1 listening on \d+1\n/);
      expect(printed).toMatch(/web-2 *\| web v1 listening on \d+2\n/);
      follower.interrupt();
      const ended = await follower.done;
      expect(ended.code === 130 || ended.code === null || ended.code === 0, ended.stderr).toBe(true);
      expect(ended.stderr).not.toMatch(/at .*\.js:\d+/);
      const audit = await s.cli(["audit", "--json"]);
      expect(audit.stdout).toContain("restart");
    },
  );
});
