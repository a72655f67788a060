import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findPortHolder, parseListeningSockets } from "./port-holder.js";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe("parseListeningSockets", () => {
  it("reads listening sockets of /proc/net/tcp and tcp6, skipping established ones", () => {
    const tcp = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0200937F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0",
      "   1: 0100007F:0BB8 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0",
    ].join("\n");
    expect(parseListeningSockets(tcp)).toEqual([{ host: "127.147.0.2", port: 3000, inode: "4242" }]);
    const tcp6 = [
      "  sl  local_address                         remote_address                        st",
      "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0",
    ].join("\n");
    expect(parseListeningSockets(tcp6)).toEqual([{ host: "::", port: 8080, inode: "99" }]);
  });
});

describe("findPortHolder", () => {
  it("names this process as the holder of a port it listens on", async () => {
    const server = createServer();
    servers.push(server);
    const port = await new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
    );
    expect(findPortHolder("127.0.0.1", port)).toBe(process.pid);
  });
});
