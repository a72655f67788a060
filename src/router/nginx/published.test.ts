import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { renderNginxConfig } from "./render.js";
import { httpRoute, PATHS, routerConfig, set, upstream } from "./test-config.js";
import {
  type Backend,
  freePort,
  get,
  type NginxInstance,
  nginxInstance,
  startBackend,
} from "./test-support.js";

let nginx: NginxInstance;
let backend: Backend;

beforeAll(async () => {
  backend = await startBackend("a");
  nginx = nginxInstance();
});

afterAll(async () => {
  await nginx?.cleanup();
  await backend?.close();
});

const published = (port: number, ports: number[]) =>
  httpRoute({
    id: `shop/api/published/127.0.0.1:${port}`,
    listen: { host: "127.0.0.1", port },
    sets: [
      set(
        "r1",
        1,
        ports.map((p, i) => upstream(`a.${i}`, p)),
      ),
    ],
  });

describe("nginx published ports", { timeout: 30_000 }, () => {
  it("renders a server of its own on the port, without the shared listener when nothing else is routed", () => {
    const conf = renderNginxConfig(
      routerConfig({ http: { host: "0.0.0.0", port: 80 }, routes: [published(8080, [3001])] }),
      PATHS,
    );
    expect(conf).toContain("listen 127.0.0.1:8080;");
    expect(conf).not.toContain("listen 0.0.0.0:80");
    expect(conf).toContain("client_max_body_size 0;");
    expect(conf).toMatch(/server 127\.0\.0\.1:3001 /);
  });

  it("serves every host and path of a published port through real nginx, WebSockets included, with no header of its own", async () => {
    const port = await freePort();
    await nginx.driver.apply(
      routerConfig({
        generation: 1,
        http: { host: "127.0.0.1", port: await freePort() },
        routes: [published(port, [backend.port])],
      }),
    );
    const reply = await get(`http://127.0.0.1:${port}/any/where?x=1`, { headers: { host: "other.example" } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ backend: "a", url: "/any/where?x=1" });
    expect(reply.headers["content-security-policy"]).toBeUndefined();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`);
    try {
      await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
      const answer = new Promise((resolve) => socket.once("message", (data) => resolve(String(data))));
      socket.send("hi");
      expect(await answer).toBe("a:hi");
    } finally {
      socket.terminate();
    }
  });
});
