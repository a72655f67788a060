import { connect, type Socket } from "node:net";
import type { Upstream } from "../model.js";
import type { RouterContext } from "./context.js";
import type { LongLivedConnection } from "./inflight.js";
import { acquireUpstream, ConnectFailed } from "./upstream-connect.js";

/** How long a drained TCP connection may take to close after both sides were ended. */
const CLOSE_GRACE_MS = 2000;

function connectTo(upstream: Upstream, timeoutMs: number): Promise<Socket | ConnectFailed> {
  return new Promise((resolve) => {
    const socket = connect({ host: upstream.host, port: upstream.port });
    const fail = (reason: "connect" | "timeout") => {
      socket.destroy();
      resolve(new ConnectFailed(reason));
    };
    socket.setTimeout(timeoutMs, () => fail("timeout"));
    socket.once("error", () => fail("connect"));
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.removeAllListeners("error");
      socket.on("error", () => socket.destroy());
      resolve(socket);
    });
  });
}

/**
 * Forwards one connection of a TCP route to an upstream chosen like an HTTP request's (weights,
 * ejection, retry of refused connections, waiting while none is active), then pipes the two.
 */
export async function forwardTcp(context: RouterContext, routeId: string, client: Socket): Promise<void> {
  client.on("error", () => client.destroy());
  client.pause();
  const snapshot = context.snapshot();
  if (!snapshot) return void client.destroy();
  const acquired = await acquireUpstream<Socket>(context, {
    routeId,
    deadlineMs: Date.now() + snapshot.config.limits.queueTimeoutMs,
    tried: new Set(),
    aborted: () => client.destroyed,
    connect: ({ upstream }) => connectTo(upstream, context.settings.connectTimeoutMs),
  });
  if (acquired.kind !== "connected") return void client.destroy();
  if (acquired.route.kind !== "tcp") return void client.destroy();
  const upstreamSocket = acquired.value;
  let untrack = () => {};
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    client.destroy();
    upstreamSocket.destroy();
    untrack();
  };
  client.on("close", close);
  upstreamSocket.on("close", close);
  const connection: LongLivedConnection = {
    kind: "tcp",
    routeId,
    upstreamId: acquired.choice.upstream.id,
    drainTimeoutMs: acquired.route.drainTimeoutMs,
    drainClose: () => {
      client.end();
      upstreamSocket.end();
      setTimeout(close, CLOSE_GRACE_MS).unref();
    },
    destroy: close,
  };
  untrack = context.trackLongLived(connection);
  client.pipe(upstreamSocket);
  upstreamSocket.pipe(client);
  client.resume();
}
