import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, get, load } from "./http.js";
import { isAlive } from "./procs.js";
import { eventually, freePort, PATIENT, type Sandbox, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

const web = (port: number, version: string, replicas: number, extra = "") =>
  webCompose(port, { APP_VERSION: version }, `${extra}    deploy: { replicas: ${replicas} }\n`);

const labelled = <T>(what: string, promise: Promise<T>): Promise<T> =>
  promise.catch((error: Error) => {
    throw new Error(`${what}: ${error.message}`);
  });

/** SIGKILLs the agent and waits until it is dead (a zombie counts as dead). */
async function killAgent(s: Sandbox): Promise<number> {
  const pid = s.agentPid();
  expect(pid && isAlive(pid)).toBeTruthy();
  process.kill(pid!, "SIGKILL");
  await eventually("the agent to die", () => !isAlive(pid!), 5000);
  return pid!;
}

describe.concurrent("when the agent is killed", PATIENT, () => {
  it("keeps serving while it is down, and a new agent adopts the running instances", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": web(port, "v1", 2, "    restart: unless-stopped\n") });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const before = (await s.ps()).instances;
    const pids = before.map((i) => i.pid).sort((a, b) => a - b);
    expect(pids).toHaveLength(2);

    const oldAgent = await killAgent(s);
    for (let i = 0; i < 5; i++)
      expect((await labelled("answer while the agent is down", answer(port))).version).toBe("v1");

    // The next command starts a new agent, which takes the instances over as they are.
    const after = await labelled("ps after kill", s.ps());
    expect(s.agentPid()).not.toBe(oldAgent);
    expect(after.instances.map((i) => [i.id, i.pid, i.state, i.restarts])).toEqual(
      before.map((i) => [i.id, i.pid, "healthy", 0]),
    );
    expect(s.servicePids()).toEqual(pids);
    // A few supervisor rounds later nothing was restarted or started twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await s.ps()).instances.map((i) => i.pid).sort((a, b) => a - b)).toEqual(pids);
    expect(s.servicePids()).toEqual(pids);
    expect((await labelled("answer after adoption", answer(port))).version).toBe("v1");

    // An instance that dies while no agent runs is restarted by its policy once one runs again.
    await killAgent(s);
    const [dead, survivor] = before;
    process.kill(dead!.pid, "SIGKILL");
    await eventually("the instance to die", () => !isAlive(dead!.pid), 5000);
    // The proxy replays a connection the dead instance refuses or resets on the survivor: none fails.
    for (let i = 0; i < 5; i++)
      expect((await labelled("answer after an instance died", answer(port))).pid).toBe(survivor!.pid);
    const restarted = await eventually(
      "the dead instance to be restarted",
      async () => {
        const instance = (await s.ps()).instances.find((i) => i.id === dead!.id);
        return instance?.state === "healthy" && instance.pid !== dead!.pid ? instance : undefined;
      },
      30_000,
      1000,
    );
    expect(restarted.restarts).toBe(1);
    expect(s.servicePids()).toEqual([restarted.pid, survivor!.pid].sort((a, b) => a - b));
  });

  it("rolls an interrupted deploy back when it starts again; the old version answers throughout", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": web(port, "v1", 1) });
    const first = await s.cli(["deploy"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const v1 = await answer(port);

    // v2 never becomes ready: the agent dies while the deploy waits for it.
    s.write({ "compose.yaml": web(port, "v2", 1, `      READY_FILE: ${s.root}/never\n`) });
    let stopLoad = false;
    const traffic = load(port, () => stopLoad, { maxRequests: 5000, maxMs: 50_000 });
    const deploy = s.start(["deploy", "--json"]);
    await deploy.waitForEvent((e) => e.type === "service" && e.phase === "health");
    const [starting] = await eventually("v2's process", () => {
      const others = s.servicePids().filter((pid) => pid !== v1.pid);
      return others.length === 1 ? others : undefined;
    });
    await killAgent(s);
    // At once, while the killed agent may still be an unreaped zombie.
    const restart = await s.cli(["agent", "start"]);
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    const cut = await deploy.done;
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain("E_AGENT_DISCONNECTED");

    await eventually("the half-started v2 instance to stop", () => !isAlive(starting!));
    stopLoad = true;
    const report = await traffic;
    expect(report.failures).toEqual([]);
    expect(Object.keys(report.versions)).toEqual(["v1"]);

    const { deploys, releases } = await s.releases();
    expect(deploys[0]).toMatchObject({ releaseId: "r2", status: "interrupted" });
    // Never live: listed as failed, not as `ready` to deploy.
    expect(releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "failed"],
      ["r1", "active"],
    ]);
    const ps = await s.ps();
    expect(ps.release).toBe("r1");
    expect(ps.instances.map((i) => [i.release, i.state, i.pid])).toEqual([["r1", "healthy", v1.pid]]);
    expect(s.servicePids()).toEqual([v1.pid]);
    expect(await answer(port)).toMatchObject({ version: "v1", pid: v1.pid });

    // The project is not stuck: the next deploy goes through.
    s.write({ "compose.yaml": web(port, "v3", 1) });
    const next = await s.cli(["deploy"]);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v3");
  });
});

describe.concurrent("a service that keeps crashing", PATIENT, () => {
  it("is restarted with backoff and shown as crashloop, while its neighbour keeps answering", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": webCompose(
        port,
        { APP_VERSION: "v1" },
        `  flaky:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["3000"]
    restart: always
    environment:
      APP_VERSION: f1
      CRASH_AFTER_MS: "1000"
`,
      ),
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const web = (await s.ps()).instances.find((i) => i.service === "web")!;

    const started = Date.now();
    const failures: string[] = [];
    const flaky = await eventually(
      "flaky to be shown as crashloop",
      async () => {
        const answer = await get(port).catch((error: Error) => ({ status: 0, body: error.message }));
        if (answer.status !== 200) failures.push(`HTTP ${answer.status}: ${answer.body}`);
        return (await s.ps()).instances.find((i) => i.service === "flaky" && i.state === "crashloop");
      },
      60_000,
      1000,
    );
    const elapsed = Date.now() - started;
    expect(failures).toEqual([]);
    expect(flaky.restarts).toBeGreaterThanOrEqual(2);
    expect(flaky.lastExitCode).toBe(1);
    // Backed off: restarts came 1, 2, 4 … s after each crash (over 10 s in all), not in a tight loop.
    expect(elapsed).toBeGreaterThan(10_000);
    expect((await s.ps()).instances.find((i) => i.service === "web")).toMatchObject({
      pid: web.pid,
      state: "healthy",
      restarts: 0,
    });
    const logs = await s.cli(["logs", "flaky", "--tail", "50"]);
    expect(logs.stdout).toMatch(/^flaky-1 +\| flaky f1 crashing/m);
  });
});

describe.concurrent("when a data plane process dies", PATIENT, () => {
  it("the agent starts the service proxy again and traffic resumes", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": web(port, "v1", 1) });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");

    const proxy = Number(readFileSync(join(s.home, "proxy.pid"), "utf8").split(" ")[0]);
    process.kill(proxy, "SIGKILL");
    await eventually("the proxy to die", () => !isAlive(proxy), 5000);
    // No command runs meanwhile: the agent notices by itself.
    const back = await eventually(
      "the published port to answer again",
      () => answer(port).catch(() => undefined),
      30_000,
    );
    expect(back.version).toBe("v1");
    const again = Number(readFileSync(join(s.home, "proxy.pid"), "utf8").split(" ")[0]);
    expect(again).not.toBe(proxy);
    expect(isAlive(again)).toBe(true);
  });
});
