import { readdirSync, readFileSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import { freePort } from "../../network/ports.js";
import { describeRouterDriver } from "../driver-suite/suite.js";
import { closeAll, config, httpRoute, send, set, startUpstream } from "../http/test-support.js";
import { RouterAdminClient } from "./admin-client.js";
import { builtinUnderTest } from "./under-test.js";

// The whole suite again with the router as a primary and two worker processes sharing the listeners.
describeRouterDriver("builtin, 2 workers", builtinUnderTest, { workers: 2 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await closeAll();
});

/** Processes whose parent is `pid`. */
const childrenOf = (pid: number) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    });

it("runs the asked number of workers, restarting the router when the number changes, and sums their figures", async () => {
  const under = await builtinUnderTest();
  cleanups.push(() => under.cleanup());
  const api = await startUpstream("api");
  const port = await freePort();
  const admin = new RouterAdminClient(under.socket);
  const routed = (generation: number, workers: number) =>
    config([httpRoute("shop/api/0", [set("r1", 100, [api.upstream()])])], {
      generation,
      http: { host: "127.0.0.1", port },
      workers,
    });
  await under.driver.apply(routed(1, 1));
  const single = await admin.health();
  expect(single.workers).toBe(1);
  expect(childrenOf(single.pid)).toHaveLength(0);

  await under.driver.apply(routed(2, 3));
  const fleet = await admin.health();
  expect(fleet).toMatchObject({ workers: 3, generation: 2 });
  expect(fleet.pid).not.toBe(single.pid);
  expect(childrenOf(fleet.pid)).toHaveLength(3);
  // New connections each: the primary hands them to the workers in turn.
  for (let i = 0; i < 12; i++) expect((await send(port, `/${i}`)).body).toBe(`api:/${i}`);
  expect(await admin.stats("shop/api/0")).toMatchObject({ r1: { requests: 12, errors: 0 } });
  expect(await admin.metrics()).toMatch(/slipway_router_requests_total\{[^}]*status_class="2xx"\} 12/);
  expect(await admin.inFlight("api")).toEqual({ requests: 0, websockets: 0, connections: 0 });
}, 60_000);
