import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer } from "./http.js";
import { isAlive } from "./procs.js";
import { LOOPBACK } from "./router-support.js";
import { eventually, freePort, PATIENT, type Sandbox, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** `web` published on `port` and routed by the builtin router on `http`. */
const routed = (port: number, http: number, https: number) =>
  webCompose(
    port,
    { APP_VERSION: "v1" },
    `    x-slipway:\n      routes: [{ path: / }]\nx-slipway:\n  router: { http_port: ${http}, https_port: ${https} }\n`,
  );

const pidIn = (s: Sandbox, file: string) => Number(readFileSync(join(s.home, file), "utf8").split(" ")[0]);

async function deployed(): Promise<{ s: Sandbox; port: number; http: number }> {
  const [port, http, https] = [await freePort(), await freePort(), await freePort()];
  const s = sandbox({ "compose.yaml": routed(port, http, https) });
  const deploy = await s.cli(["deploy"], LOOPBACK);
  expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
  expect((await answer(port)).version).toBe("v1");
  expect((await answer(http)).version).toBe("v1");
  return { s, port, http };
}

describe.concurrent("no leftovers", PATIENT, () => {
  it("lists the proxy and router in `agent status`, and `down` of the last project stops them", async () => {
    const { s, port, http } = await deployed();
    const [proxy, router] = [pidIn(s, "proxy.pid"), pidIn(s, "router.pid")];
    const status = await s.cli(["agent", "status"], LOOPBACK);
    expect(status.stdout).toContain(`proxy ${proxy} running; listening on`);
    expect(status.stdout).toContain(`127.0.0.1:${port}`);
    expect(status.stdout).toContain(`router ${router} running; listening on`);
    expect(status.stdout).toContain(`127.0.0.1:${http}`);

    const down = await s.cli(["down"], LOOPBACK);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    await eventually("the proxy and the router to exit", () => !isAlive(proxy) && !isAlive(router), 15_000);
    await expect(answer(port)).rejects.toThrow(/ECONNREFUSED/);
    await expect(answer(http)).rejects.toThrow(/ECONNREFUSED/);
    const after = await s.cli(["agent", "status"], LOOPBACK);
    expect(after.stdout).not.toMatch(/proxy|router/);

    // The next deploy brings them back.
    const again = await s.cli(["deploy"], LOOPBACK);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((await answer(http)).version).toBe("v1");
  });

  it("has the proxy and router of a home that was removed exit by themselves", async () => {
    const { s } = await deployed();
    const [proxy, router] = [pidIn(s, "proxy.pid"), pidIn(s, "router.pid")];
    const instances = (await s.ps()).instances.map((i) => i.pid);
    const agent = s.agentPid()!;
    try {
      for (const pid of [agent, ...instances]) process.kill(pid, "SIGKILL");
      rmSync(s.home, { recursive: true, force: true });
      await eventually("the proxy and the router to exit", () => !isAlive(proxy) && !isAlive(router), 15_000);
    } finally {
      for (const pid of [proxy, router].filter(isAlive)) process.kill(pid, "SIGKILL");
    }
  });
});
