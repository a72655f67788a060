import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { ConnectFailed } from "./upstream-connect.js";

/**
 * Opens a request towards an upstream and resolves once its connection is up (at once for a reused
 * keep-alive connection), so that nothing is sent, and no byte of the client's body consumed,
 * before a retry on another upstream is still possible. The connect timeout is armed only for a
 * new connection or a request the agent queues: a timer set and cleared per request costs more than
 * the rest of the hand-over.
 */
export function openUpstreamRequest(
  options: RequestOptions,
  connectTimeoutMs: number,
): Promise<ClientRequest | ConnectFailed> {
  return new Promise((resolve) => {
    const request = httpRequest(options);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (value: ClientRequest | ConnectFailed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (value instanceof ConnectFailed) request.destroy();
      resolve(value);
    };
    const armTimeout = () => {
      timer ??= setTimeout(() => settle(new ConnectFailed("timeout")), connectTimeoutMs);
    };
    // Stays attached: an error between `connect` and the caller's own listener must not crash the router.
    request.on("error", () => settle(new ConnectFailed("connect")));
    request.once("socket", (socket) => {
      if (!socket.connecting) return settle(request);
      armTimeout();
      socket.once("connect", () => settle(request));
    });
    // The agent hands a socket over on the next tick (queued before this one); without one by then,
    // the request waits for a connection.
    process.nextTick(() => {
      if (!settled) armTimeout();
    });
  });
}

/** Whether a request carries a body (then it cannot be replayed on another upstream). */
export function hasBody(request: IncomingMessage): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && Number(length) > 0);
}

/** Methods a proxy may send twice when the first attempt got no byte back (RFC 9110 §9.2.2's idempotent ones, as nginx). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PUT",
  "DELETE",
]);
