import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { findBinary } from "../../src/host/binaries.js";
import { freePort } from "../../src/network/ports.js";
import { removeProjectContainers } from "../../src/targets/docker/containers.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { LABEL } from "../../src/targets/docker/labels.js";
import { sharedDockerEngine } from "../docker/engine.js";
import { REPO } from "./cli.js";
import { send } from "./http.js";
import { Sandbox } from "./sandbox.js";

/**
 * The example bot platform on the docker target, from the same compose.yaml plus the overlay that
 * only switches the target and the base images (compose.docker.yaml): every service a container
 * built from its Dockerfile, the bot answering a Telegram update through the FAKE Bot API, the API
 * over HTTP and WebSocket with the worker applying moves, the migration and the analytics job as
 * one-off containers, and the PostgreSQL container's backup verified and restored.
 */
const engine = await sharedDockerEngine();
if (engine.available) process.env.DOCKER_HOST = engine.host;
const FILES = ["examples/bot-platform/compose.yaml", "examples/bot-platform/compose.docker.yaml"];
const PSQL = findBinary("psql", "install postgresql-client");
const SECRET = "demo-webhook-secret";

let s: Sandbox | undefined;
/** Every attempt's sandbox (a retried test makes a new one): each is cleaned up, not only the last. */
const sandboxes: Sandbox[] = [];
let env: Record<string, string> = {};
const run = (args: string[], extra: Record<string, string> = {}) =>
  s!.cli(
    [...args, ...FILES.flatMap((file) => ["-f", join(REPO, file)]), "-p", s!.project],
    { ...env, ...extra },
    600_000,
  );

afterAll(async () => {
  for (const sandbox of sandboxes) {
    await sandbox.cleanup();
    await removeProjectContainers(connectEngine(), sandbox.project, { volumes: true });
  }
}, 300_000);

const json = async (port: number, path: string, init: Parameters<typeof send>[1] = {}) => {
  const answer = await send(port, { path, ...init });
  return { status: answer.status, body: JSON.parse(answer.body) as unknown };
};

/** The next WebSocket message that satisfies `match`, within 15 s. */
function nextMessage(ws: WebSocket, match: (message: Record<string, unknown>) => boolean) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no such WebSocket message within 15 s")), 15_000);
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (!match(message)) return;
      clearTimeout(timer);
      resolve(message);
    });
  });
}

describe.skipIf(!engine.available)("example bot platform on the docker target", () => {
  it("deploys as containers and serves the bot, the API, WebSockets, jobs and verified backups", {
    timeout: 900_000,
  }, async () => {
    s = new Sandbox();
    sandboxes.push(s);
    const name = s.project;
    const web = await freePort();
    const http = await freePort();
    env = {
      DOCKER_HOST: engine.available ? engine.host : "",
      WEB_PORT: String(web),
      HTTP_PORT: String(http),
      HTTPS_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      DASHBOARD_PORT: String(await freePort()),
      ALERT_BOT_TOKEN: "123456:demo-token-not-real",
      SLIPWAY_ROUTER_HOST: "127.0.0.1",
      // The example's Compose secrets (db_password, bot_token) come from these.
      DB_PASSWORD: "devpassword",
      BOT_TOKEN: "123456:demo-token-not-real",
    };
    const player = `alice-${Date.now()}`;

    const first = await run(["deploy"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const ps = JSON.parse((await run(["ps", "--json"])).stdout) as {
      instances: { service: string; state: string; port: number }[];
      services: { name: string; schedule?: string }[];
      orphans: unknown[];
    };
    expect(new Set(ps.instances.map((i) => i.service))).toEqual(
      new Set(["api", "bot", "cache", "db", "fake-telegram", "frontend", "runtime"]),
    );
    expect(ps.instances.every((i) => i.state === "healthy")).toBe(true);
    expect(ps.orphans).toEqual([]);
    // The analytics job is scheduled (it runs every 5 minutes; below it runs once at once).
    expect(ps.services.find((service) => service.name === "analytics")?.schedule).toBe("*/5 * * * *");
    // Containers, as `docker compose ps` users know them: built images per service, local bases.
    const containers = await connectEngine().listContainers({
      filters: { label: [`${LABEL.project}=${name}`] },
    });
    expect(containers).toHaveLength(8);
    expect(containers.find((c) => c.Labels[LABEL.service] === "db")?.Image).toBe("slipway-local/postgres");
    expect(containers.find((c) => c.Labels[LABEL.service] === "api")?.Image).toMatch(
      new RegExp(`^${name}-api:`),
    );

    // The published port (serve.js in its container), the router (the mini-app and the API).
    const created = await json(web, "/api/players", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: player }),
    });
    expect(created.status).toBe(201);
    expect((await send(http, { path: "/" })).body).toContain("<html");
    expect((await json(http, "/health")).body).toEqual({ status: "ok" });

    // The bot answers /stats through the fake Bot API.
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, chat: { id: 42 }, text: "/stats" },
    });
    const webhook = await send(http, {
      path: "/telegram/webhook",
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: update,
    });
    expect(webhook.status).toBe(200);
    const sent = (await json(http, "/fake-telegram/sent")).body as { result: { chat_id: number }[] };
    expect(sent.result.some((message) => message.chat_id === 42)).toBe(true);

    // A move through the API reaches the worker, whose new game state comes back on the WebSocket.
    const ws = new WebSocket(`ws://127.0.0.1:${http}/ws`);
    await nextMessage(ws, (m) => m.type === "hello");
    const game = `g${Date.now()}`;
    ws.send(JSON.stringify({ type: "subscribe", gameId: game }));
    await nextMessage(ws, (m) => m.type === "subscribed");
    const state = nextMessage(ws, (m) => m.gameId === game);
    const move = await send(http, {
      path: `/api/games/${game}/moves`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ player, cell: 4 }),
    });
    expect(move.status).toBe(202);
    expect(await state).toMatchObject({ gameId: game });
    ws.close();

    // The migration ran (its table exists), and the analytics job runs as a one-off container.
    const dbPort = ps.instances.find((i) => i.service === "db")!.port;
    const sql = (query: string) =>
      execFileSync(
        PSQL,
        ["-At", "-h", "127.0.0.1", "-p", String(dbPort), "-U", "bot", "-d", "bot", "-c", query],
        {
          env: { ...process.env, PGPASSWORD: "devpassword" },
          encoding: "utf8",
        },
      ).trim();
    const snapshot = await run(["run", "analytics"]);
    expect(snapshot.code, snapshot.stdout + snapshot.stderr).toBe(0);
    expect(Number(sql("select count(*) from analytics_snapshots"))).toBeGreaterThanOrEqual(1);

    // PostgreSQL's backup: taken, verified by a test restore, and restored over lost data.
    const backup = await run(["backup", "run", "db", "--json"]);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    const [{ id }] = (JSON.parse(backup.stdout) as { backups: { id: string }[] }).backups as [{ id: string }];
    expect((await run(["backup", "verify", id, "--json"])).code).toBe(0);
    sql(`delete from players where name = '${player}'`);
    const restore = await run(["backup", "restore", id, "--yes", "--json"]);
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    const restoredPort = async () =>
      (JSON.parse((await run(["ps", "--json"])).stdout) as typeof ps).instances.find(
        (i) => i.service === "db" && i.state === "healthy",
      )?.port;
    let port: number | undefined;
    for (let i = 0; i < 60 && port === undefined; i++) {
      port = await restoredPort();
      if (port === undefined) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(port).toBeDefined();
    expect((await json(web, "/api/players")).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: player })]),
    );
  });
});
