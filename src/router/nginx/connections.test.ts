import { createConnection, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { establishedOn } from "./connections.js";

describe("establishedOn", () => {
  it("counts the connections a local port accepted, and forgets closed ones", async () => {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    expect(establishedOn(port)).toBe(0);
    const clients = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Socket>((resolve) => {
            const client = createConnection(port, "127.0.0.1", () => resolve(client));
          }),
      ),
    );
    await expect.poll(() => accepted.length).toBe(2);
    // The listening socket itself and the clients' own ends (their local ports differ) are not counted.
    expect(establishedOn(port)).toBe(2);
    for (const client of clients) client.destroy();
    for (const socket of accepted) socket.destroy();
    await expect.poll(() => establishedOn(port)).toBe(0);
    server.close();
  });
});
