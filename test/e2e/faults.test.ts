import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assignAddresses } from "../../src/network/addresses.js";
import { answer } from "./http.js";
import { isAlive } from "./procs.js";
import { eventually, freePort, PATIENT, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();
const holders: Server[] = [];
afterAll(() => {
  for (const server of holders) server.close();
});

describe.concurrent("under faults", PATIENT, () => {
  it("runs exactly one of several agents started at the same moment", async () => {
    const s = sandbox({});
    const agents = Array.from({ length: 5 }, () => s.start(["agent"], {}, 60_000));
    const exited: { code: number | null; stderr: string }[] = [];
    for (const agent of agents) void agent.done.then((result) => exited.push(result));
    await eventually("all but one agent to exit", () => exited.length >= agents.length - 1, 30_000);
    // None of the others exits a moment later either.
    await new Promise((r) => setTimeout(r, 1500));
    expect(exited).toHaveLength(agents.length - 1);
    for (const loser of exited) {
      expect(loser.code).not.toBe(0);
      expect(loser.stderr).toContain("E_AGENT_RUNNING");
      expect(loser.stderr).not.toMatch(/^\s+at /m);
    }
    const winner = await eventually("the running agent to write its PID", () => s.agentPid());
    expect(isAlive(winner)).toBe(true);
  });

  it("fails a deploy whose service address another process holds, naming the address and its PID", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": webCompose(port, { APP_VERSION: "v1" }) });
    const address = assignAddresses({ home: s.home, project: s.project }, ["web"]).web!;
    const holder = createServer((socket) => socket.destroy());
    holders.push(holder);
    await new Promise<void>((resolve) => holder.listen(3000, address, resolve));
    const deploy = await s.cli(["deploy"]);
    const output = deploy.stdout + deploy.stderr;
    expect(deploy.code, output).not.toBe(0);
    expect(output).toContain("E_PROXY_BIND");
    expect(output).toContain(`${address}:3000`);
    expect(output).toContain(`process ${process.pid}`);
    expect(output).not.toContain("is live");

    // Once the address is free, the next deploy serves.
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    const again = await s.cli(["deploy"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");
  });

  it("mounts an app service's named volume at its Compose target path", async () => {
    const port = await freePort();
    const s = sandbox({});
    const target = join(s.root, "container", "data");
    s.write({
      "compose.yaml": webCompose(
        port,
        { APP_VERSION: "v1", DATA_DIR: target },
        `    volumes: ["appdata:${target}"]\nvolumes:\n  appdata: {}\n`,
      ),
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect((await answer(port)).boots).toBe(1);
    // What the service wrote at its target path is in the volume; the host's path stays empty.
    const volume = join(s.home, "volumes", s.project, "appdata");
    expect(readFileSync(join(volume, "boots"), "utf8").trim()).not.toBe("");
    expect(readdirSync(target)).toEqual([]);
  });

  it("reaches every declared port of a service by name, on each replica", async () => {
    const port = await freePort();
    const api = `  api:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["3000", "9090"]
    environment: { APP_VERSION: v1 }
    deploy: { replicas: 2 }
`;
    const s = sandbox({
      "compose.yaml": webCompose(port, { APP_VERSION: "v1", UPSTREAM: "http://api:9090/" }, api),
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const reply = await answer(port);
      expect(reply.upstream).toMatchObject({ service: "api", port: 9090 });
      pids.add(reply.upstream!.pid);
    }
    expect(pids.size).toBe(2);
  });

  it("replays on the other instance the connections an instance had accepted when it was killed", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": webCompose(port, { APP_VERSION: "v1" }, "    deploy: { replicas: 2 }\n"),
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const [victim, survivor] = (await s.ps()).instances;
    // Stopped, it accepts nothing: connections wait in its accept queue until the kill resets them.
    process.kill(victim!.pid, "SIGSTOP");
    const replies = Array.from({ length: 4 }, () => answer(port));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(victim!.pid, "SIGKILL");
    const answered = await Promise.allSettled(replies);
    expect(answered.map((r) => (r.status === "fulfilled" ? r.value.pid : String(r.reason)))).toEqual(
      Array(4).fill(survivor!.pid),
    );
  });

  it("resumes a paused rolling update on the next deploy, keeping the instances it already replaced", async () => {
    const port = await freePort();
    const s = sandbox({});
    const fixed = join(s.root, "fixed");
    const compose = (version: string) =>
      webCompose(
        port,
        {
          APP_VERSION: version,
          EXIT_AT_START: "boom",
          EXIT_AT_START_INDEX: "1",
          EXIT_AT_START_UNLESS: fixed,
        },
        "    deploy:\n      replicas: 3\n      update_config: { parallelism: 1, failure_action: pause }\n",
      );
    s.write({ "compose.yaml": compose("v1") });
    writeFileSync(fixed, "");
    expect((await s.cli(["deploy"])).code).toBe(0);
    rmSync(fixed);

    s.write({ "compose.yaml": compose("v2") });
    const paused = await s.cli(["deploy"]);
    expect(paused.code).not.toBe(0);
    expect(paused.stdout + paused.stderr).toContain("E_DEPLOY_PAUSED");
    const indexOf = (id: string) => Number(id.split(".").at(-1));
    const during = (await s.ps()).instances.map((i) => [indexOf(i.id), i.release, i.pid] as const);
    expect(during.map(([index, release]) => `${index}:${release}`).sort()).toEqual(["0:r2", "1:r1", "2:r1"]);

    writeFileSync(fixed, "");
    const resumed = await s.cli(["deploy"]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("resuming the rollout of web: 1 of 3 instances already run r2");
    const after = (await s.ps()).instances;
    expect(after.map((i) => `${indexOf(i.id)}:${i.release}`).sort()).toEqual(["0:r2", "1:r2", "2:r2"]);
    // The instance the paused deploy had replaced was kept, not replaced again.
    expect(after.find((i) => indexOf(i.id) === 0)?.pid).toBe(during.find(([index]) => index === 0)?.[2]);
    expect((await answer(port)).version).toBe("v2");
  });
});
