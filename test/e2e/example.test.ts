import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/network/ports.js";
import { project, REPO, slipway, slipwayAsync } from "./cli.js";
import { send } from "./http.js";

/**
 * The example bot platform, deployed for real on the process target (PostgreSQL, Redis, seven Node
 * services): every service healthy, the router serves the mini-app and the API, the bot answers a
 * Telegram update through the FAKE Bot API, and data written through the API survives a redeploy
 * and a down/deploy cycle.
 */
const COMPOSE = join(REPO, "examples/bot-platform/compose.yaml");
const home = project({});
const name = `bp${process.pid}`;
const SECRET = "demo-webhook-secret";
const DB_PASSWORD = `pw-${process.pid}-not-in-state`;

let env: Record<string, string> = {};
const options = (extra: Record<string, string>) => ({
  cwd: REPO,
  env: { ...env, ...extra },
  timeoutMs: 600_000,
});
const run = (args: string[], extra: Record<string, string> = {}) =>
  slipwayAsync([...args, "-f", COMPOSE, "-p", name], options(extra));

afterAll(() => {
  slipway(["down", "-f", COMPOSE, "-p", name], options({}));
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

const json = async (port: number, path: string, init: Parameters<typeof send>[1] = {}) => {
  const answer = await send(port, { path, ...init });
  return { status: answer.status, body: JSON.parse(answer.body) as unknown };
};

describe("example bot platform on the process target", () => {
  it("deploys, serves through the router, keeps data across a redeploy and down/deploy", {
    timeout: 900_000,
  }, async () => {
    const web = await freePort();
    const http = await freePort();
    env = {
      SLIPWAY_HOME: home.dir,
      WEB_PORT: String(web),
      HTTP_PORT: String(http),
      HTTPS_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      DASHBOARD_PORT: String(await freePort()),
      ALERT_BOT_TOKEN: "123456:demo-token-not-real",
      SLIPWAY_ROUTER_HOST: "127.0.0.1",
      // The example's Compose secrets (db_password, bot_token) come from these.
      DB_PASSWORD: DB_PASSWORD,
      BOT_TOKEN: "123456:demo-token-not-real",
    };
    // A retried attempt finds the previous attempt's players: names are unique per attempt.
    const player = `alice-${Date.now()}`;

    const first = await run(["deploy"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const ps = JSON.parse((await run(["ps", "--json"])).stdout) as {
      instances: { service: string; state: string }[];
    };
    expect(new Set(ps.instances.map((i) => i.service))).toEqual(
      new Set(["api", "bot", "cache", "db", "fake-telegram", "frontend", "runtime"]),
    );
    expect(ps.instances.every((i) => i.state === "healthy")).toBe(true);
    expect(ps.instances.filter((i) => i.service === "api")).toHaveLength(2);

    // The published port (serve.js behind the service proxy) and the router (static mini-app + API).
    const created = await json(web, "/api/players", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: player }),
    });
    expect(created.status).toBe(201);
    const page = await send(http, { path: "/" });
    expect(page.status).toBe(200);
    expect(page.body).toContain("<html");
    expect((await json(http, "/api/players")).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: player })]),
    );
    // Health through the router is the API's own answer, not the mini-app's index.html.
    expect((await json(http, "/health")).body).toEqual({ status: "ok" });
    expect((await send(http, { path: "/ready" })).body).not.toContain("<html");

    // The bot: the secret header is required, and a /stats update is answered through the fake API.
    const update = (id: number) =>
      JSON.stringify({ update_id: id, message: { message_id: 1, chat: { id: 42 }, text: "/stats" } });
    const webhook = (headers: Record<string, string>, id: number) =>
      send(http, {
        path: "/telegram/webhook",
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: update(id),
      });
    expect((await webhook({}, 1)).status).toBe(401);
    expect((await webhook({ "x-telegram-bot-api-secret-token": SECRET }, 2)).status).toBe(200);
    const sent = (await json(http, "/fake-telegram/sent")).body as { result: { chat_id: number }[] };
    expect(sent.result.some((message) => message.chat_id === 42)).toBe(true);

    // The agent's metrics and alerts, as the example configures them.
    const metrics = await (await fetch(`http://127.0.0.1:${env.METRICS_PORT}/metrics`)).text();
    expect(metrics).toContain(`slipway_deploys_total{project="${name}",kind="deploy",outcome="succeeded"} `);
    const alerts = JSON.parse((await run(["alerts", "--json"])).stdout) as {
      rules: unknown[];
      firing: unknown[];
    };
    expect([alerts.rules.length, alerts.firing]).toEqual([10, []]);
    // The dashboard where the example asks for it, with a login link; its API wants the login.
    const dashboard = JSON.parse((await run(["dashboard", "--json"])).stdout) as {
      url: string;
      loginUrl: string;
    };
    expect(dashboard.url).toBe(`http://127.0.0.1:${env.DASHBOARD_PORT}/`);
    expect(dashboard.loginUrl).toMatch(/#login=[\w-]{40,}$/);
    expect((await fetch(`${dashboard.url}api/overview`)).status).toBe(401);

    // A new API version: only the services that use APP_VERSION change; the data stays.
    const second = await run(["deploy", "--json"], { APP_VERSION: "2" });
    expect(second.code).toBe(0);
    const events = second.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const unchanged = events.filter((e) => e.phase === "unchanged").map((e) => e.service);
    expect(unchanged).toEqual(expect.arrayContaining(["db", "cache", "frontend", "fake-telegram"]));
    expect((await json(web, "/api/version")).body).toEqual({ version: "2" });
    expect((await json(web, "/api/players")).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: player })]),
    );

    expect((await run(["down"])).code).toBe(0);
    expect((await run(["deploy"], { APP_VERSION: "2" })).code).toBe(0);
    expect((await json(web, "/api/players")).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: player })]),
    );

    // The database password reached PostgreSQL and the apps as a secret file: the state never holds it.
    for (const file of ["state.db", "state.db-wal", "state.db.backup"].map((name) => join(home.dir, name)))
      if (existsSync(file)) expect(readFileSync(file).includes(DB_PASSWORD), file).toBe(false);
  });
});
