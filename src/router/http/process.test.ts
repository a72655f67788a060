import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RouterAdminClient } from "../builtin/admin-client.js";
import { ROUTER_PROCESS_MAIN } from "./process.js";
import {
  closeAll,
  config,
  freePort,
  httpRoute,
  onCleanup,
  send,
  set,
  sleep,
  startUpstream,
} from "./test-support.js";

afterEach(closeAll);

/** Starts the router process (as the agent would) and waits until its admin API answers. */
async function startRouterProcess(configFile: string, socket: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ROUTER_PROCESS_MAIN, configFile, socket], {
    cwd: resolve(import.meta.dirname, "../../.."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((done) => child.once("exit", done));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  const client = new RouterAdminClient(socket, 1000);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (
      await client.health().then(
        () => true,
        () => false,
      )
    )
      return child;
    await sleep(50);
  }
  throw new Error("the router process did not start");
}

describe("router process", () => {
  it("applies and persists configurations and serves them again after a SIGKILL, without a PUT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-router-"));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, "router.json");
    const socket = join(dir, "router.sock");
    const api = await startUpstream("api");
    const port = await freePort();
    const routerConfig = config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])], {
      generation: 7,
      http: { host: "127.0.0.1", port },
    });

    const first = await startRouterProcess(configFile, socket);
    const client = new RouterAdminClient(socket);
    expect(await client.config()).toBeUndefined();
    expect(await client.apply(routerConfig)).toEqual({ generation: 7 });
    expect((await send(port, "/one")).body).toBe("api:/one");
    await expect(
      client.apply({ ...routerConfig, generation: 8, routes: [{ kind: "tcp" }] } as never),
    ).rejects.toMatchObject({
      code: "E_ROUTER_CONFIG",
    });
    await expect(client.apply({ ...routerConfig, generation: 6 })).rejects.toMatchObject({
      code: "E_ROUTER_CONFIG",
    });
    expect((await client.config())?.generation).toBe(7);
    expect(await client.stats("shop/api/0")).toMatchObject({ r1: { requests: 1, errors: 0 } });
    expect(await client.inFlight("api")).toEqual({ requests: 0, websockets: 0, connections: 0 });
    expect(await client.metrics()).toContain('slipway_router_requests_total{project="shop",service="api"');
    await client.resetStats("shop/api/0");
    expect(await client.stats("shop/api/0")).toEqual({});

    // The agent that started it dies: its ends of the router's stdout/stderr pipes go away.
    first.stdout?.destroy();
    first.stderr?.destroy();
    for (let index = 0; index < 5; index++) expect((await send(port, `/after-${index}`)).status).toBe(200);

    first.kill("SIGKILL");
    await new Promise((done) => first.once("exit", done));
    await expect(send(port, "/")).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["router.json", "router.sock"]);

    await startRouterProcess(configFile, socket);
    expect((await send(port, "/again")).body).toBe("api:/again");
    expect((await client.health()).generation).toBe(7);
  }, 30_000);
});
