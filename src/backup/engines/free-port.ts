import { createServer } from "node:net";

/** A TCP port on loopback that was free a moment ago (picked by the kernel), for a scratch server. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free loopback port");
  return address.port;
}
