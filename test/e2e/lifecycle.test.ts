import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, load } from "./http.js";
import { isAlive } from "./procs.js";
import { eventually, freePort, PATIENT, sandboxPerTest, servicesIn, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent("a deployed project", PATIENT, () => {
  it("shows logs, runs one-off commands, restarts, goes down keeping its data, and comes back", async () => {
    const port = await freePort();
    // The process target does not map a named volume into an app's filesystem; the app is told the
    // volume's directory on the host, $SLIPWAY_HOME/volumes/<project>/<volume>, in its environment.
    const s = sandbox({
      "compose.yaml": webCompose(
        port,
        { APP_VERSION: "v1", DATA_DIR: `\${SLIPWAY_HOME}/volumes/\${E2E_PROJECT}/data` },
        `    volumes: ["data:/data"]
    deploy: { replicas: 2 }
volumes:
  data: {}
`,
      ),
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const first = (await s.ps()).instances;
    expect(first.map((i) => i.state)).toEqual(["healthy", "healthy"]);

    const logs = await s.cli(["logs", "web", "--tail", "5"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^web-[12] +\| web v1 listening on/m);

    const run = await s.cli(["run", "web", "--", "node", "-e", "console.log(process.env.APP_VERSION)"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("v1");
    expect((await s.cli(["run", "web", "--", "node", "-e", "process.exit(5)"])).code).toBe(1);

    let restarted = false;
    const traffic = load(port, () => restarted, { maxRequests: 2000, maxMs: 40_000 });
    const restart = await s.cli(["restart", "web"]);
    restarted = true;
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    expect((await traffic).failures).toEqual([]);
    const second = (await s.ps()).instances;
    expect(second.map((i) => i.state)).toEqual(["healthy", "healthy"]);
    for (const instance of first) {
      expect(second.map((i) => i.pid)).not.toContain(instance.pid);
      expect(isAlive(instance.pid)).toBe(false);
    }
    const unknown = await s.cli(["restart", "nosuch"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr + unknown.stdout).toContain("E_SERVICE_NOT_FOUND");
    const pids = (instances: readonly { pid: number }[]) => instances.map((i) => i.pid).sort((a, b) => a - b);
    expect(pids((await s.ps()).instances)).toEqual(pids(second));
    expect(s.servicePids()).toEqual(second.map((i) => i.pid).sort((a, b) => a - b));
    expect((await answer(port)).version).toBe("v1");

    const down = await s.cli(["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain("stopped 2 instances");
    expect(second.filter((i) => isAlive(i.pid))).toEqual([]);
    expect(s.servicePids()).toEqual([]);
    expect((await s.ps()).instances).toEqual([]);
    // 2 instances, restarted once each.
    expect(readFileSync(join(s.home, "volumes", s.project, "data", "boots"), "utf8")).toBe("4");

    const again = await s.cli(["deploy", "--json"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(servicesIn(again.stdout, "building")).toEqual([]);
    const back = await answer(port);
    expect(back.version).toBe("v1");
    expect(back.boots).toBeGreaterThan(4);
    expect((await s.ps()).instances.map((i) => i.state)).toEqual(["healthy", "healthy"]);
  });

  it("runs a scheduled service at its times, also after the agent was killed mid-run, and not after down", async () => {
    const s = sandbox({});
    const ticks = join(s.root, "ticks.log");
    s.write({
      "compose.yaml": `name: \${E2E_PROJECT}
services:
  tick:
    build: ./app
    command: ["node", "server.mjs"]
    environment:
      APP_VERSION: t1
      TICK_FILE: ${ticks}
      TICK_HOLD_MS: "700"
    x-slipway:
      schedule: "* * * * * *"
`,
    });
    const runs = () => (existsSync(ticks) ? readFileSync(ticks, "utf8").trim().split("\n") : []);
    const deploy = await s.cli(["deploy", "--json"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(servicesIn(deploy.stdout, "scheduled")).toEqual(["tick"]);
    const ps = await s.ps();
    expect(ps.services).toContainEqual(expect.objectContaining({ name: "tick", schedule: "* * * * * *" }));
    expect(ps.instances).toEqual([]);
    await eventually("three runs", () => runs().length >= 3);
    expect(runs()[0]).toMatch(/^\d+ t1$/);

    // Killed while a run is in flight (each run holds 700 ms after writing its line).
    const seen = runs().length;
    await eventually("a new run", () => runs().length > seen, 5000);
    const agent = s.agentPid()!;
    process.kill(agent, "SIGKILL");
    await eventually("the agent to die", () => !isAlive(agent), 5000);
    expect((await s.cli(["agent", "start"])).code).toBe(0);
    const restarted = runs().length;
    await eventually("runs after the agent restarted", () => runs().length >= restarted + 2);

    expect((await s.cli(["down"])).code).toBe(0);
    await sleep(1500);
    const afterDown = runs().length;
    await sleep(2500);
    expect(runs().length).toBe(afterDown);
  });
});
