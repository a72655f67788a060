import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/deploy/ports.js";
import { project, REPO, slipway } from "./cli.js";

/**
 * The example bot platform, deployed for real on the process target (PostgreSQL, Redis, seven Node
 * services): data written through the API survives a redeploy and a down/deploy cycle.
 */
const COMPOSE = join(REPO, "examples/bot-platform/compose.yaml");
const home = project({});
const name = `bp${process.pid}`;

let env: Record<string, string> = {};
const run = (args: string[], extra: Record<string, string> = {}) =>
  slipway([...args, "-f", COMPOSE, "-p", name], { cwd: REPO, env: { ...env, ...extra }, timeoutMs: 600_000 });

afterAll(() => {
  run(["down"]);
  slipway(["agent", "stop"], { cwd: REPO, env });
  for (const file of ["proxy.pid", "router.pid", "agent.pid"]) {
    try {
      process.kill(Number(readFileSync(join(home.dir, file), "utf8").split(" ")[0]), "SIGTERM");
    } catch {
      // not running
    }
  }
  home.cleanup();
});

// Skipped in CI until it has passed once after the home-permission fix (see the issue note).
const skipInCi = process.env.CI === "true";
if (skipInCi)
  console.log("example.test.ts skipped in CI: not yet verified after the SLIPWAY_HOME permission fix");
describe.skipIf(skipInCi)("example bot platform on the process target", () => {
  it("deploys, keeps data across a redeploy and down/deploy", { timeout: 900_000 }, async () => {
    const port = await freePort();
    env = {
      SLIPWAY_HOME: home.dir,
      WEB_PORT: String(port),
      HTTP_PORT: String(await freePort()),
      HTTPS_PORT: String(await freePort()),
      SLIPWAY_ROUTER_HOST: "127.0.0.1",
    };
    const base = `http://127.0.0.1:${port}`;

    const first = run(["deploy"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const ps = JSON.parse(run(["ps", "--json"]).stdout) as {
      instances: { service: string; state: string }[];
    };
    expect(new Set(ps.instances.map((i) => i.service))).toEqual(
      new Set(["api", "bot", "cache", "db", "fake-telegram", "frontend", "runtime"]),
    );
    expect(ps.instances.every((i) => i.state === "healthy")).toBe(true);

    const created = await fetch(`${base}/api/players`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "alice" }),
    });
    expect(created.status).toBe(201);

    const second = run(["deploy", "--json"], { APP_VERSION: "2" });
    expect(second.code).toBe(0);
    const events = second.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const unchanged = events.filter((e) => e.phase === "unchanged").map((e) => e.service);
    expect(unchanged).toEqual(expect.arrayContaining(["db", "cache", "frontend", "fake-telegram"]));
    expect(await (await fetch(`${base}/api/version`)).json()).toEqual({ version: "2" });
    expect(await (await fetch(`${base}/api/players`)).json()).toEqual([
      expect.objectContaining({ name: "alice" }),
    ]);

    expect(run(["down"]).code).toBe(0);
    expect(run(["deploy"], { APP_VERSION: "2" }).code).toBe(0);
    expect(await (await fetch(`${base}/api/players`)).json()).toEqual([
      expect.objectContaining({ name: "alice" }),
    ]);
  });
});
