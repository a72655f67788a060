import { once } from "node:events";
import { type AddressInfo, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runProbe } from "../run-probe.js";
import { execOnHost } from "../test-support.js";

const context = { exec: execOnHost, timeoutMs: 2000 };
let servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return { server, port: (server.address() as AddressInfo).port };
}

describe("tcp probe", () => {
  it("passes when the port accepts connections", async () => {
    const { port } = await listen();
    const result = await runProbe({ kind: "tcp", host: "127.0.0.1", port }, context);
    expect(result).toMatchObject({ ok: true, output: `connected to 127.0.0.1:${port}` });
  });

  it("fails with ECONNREFUSED on a closed port", async () => {
    const { server, port } = await listen();
    await new Promise((resolve) => server.close(resolve));
    servers = [];
    const result = await runProbe({ kind: "tcp", host: "127.0.0.1", port }, context);
    expect(result).toMatchObject({ ok: false, output: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it("fails on a port that cannot exist", async () => {
    const result = await runProbe({ kind: "tcp", host: "127.0.0.1", port: 70000 }, context);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("70000");
  });
});
