/** A WebSocket or TCP connection pinned to one upstream for its whole life. */
export interface LongLivedConnection {
  readonly kind: "websocket" | "tcp";
  readonly routeId: string;
  readonly upstreamId: string;
  /** The route's drain timeout when the connection opened (used when the route itself is gone). */
  readonly drainTimeoutMs: number;
  /** Ends it at the end of a drain: a close frame 1001 for a WebSocket, a FIN for TCP. Idempotent. */
  drainClose(): void;
  /** Cuts it at once (router shutdown). */
  destroy(): void;
}

/** What still runs on an upstream; the agent waits for zeros before it stops the instance. */
export interface InFlightCount {
  readonly requests: number;
  readonly websockets: number;
  /** Open connections of TCP routes. */
  readonly connections: number;
}

/** Counts requests and long-lived connections per upstream. */
export class InFlightTracker {
  private readonly requests = new Map<string, number>();
  private readonly open = new Set<LongLivedConnection>();

  /** Counts one request on `upstreamId`; the returned function (idempotent) ends it. */
  startRequest(upstreamId: string): () => void {
    this.requestStarted(upstreamId);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.requestEnded(upstreamId);
    };
  }

  /** Counts one request on `upstreamId` (no closure: the proxy's hot path pairs it with `requestEnded`). */
  requestStarted(upstreamId: string): void {
    this.requests.set(upstreamId, (this.requests.get(upstreamId) ?? 0) + 1);
  }

  requestEnded(upstreamId: string): void {
    const left = (this.requests.get(upstreamId) ?? 1) - 1;
    if (left > 0) this.requests.set(upstreamId, left);
    else this.requests.delete(upstreamId);
  }

  add(connection: LongLivedConnection): void {
    this.open.add(connection);
  }

  remove(connection: LongLivedConnection): void {
    this.open.delete(connection);
  }

  connections(): readonly LongLivedConnection[] {
    return [...this.open];
  }

  count(upstreamId: string): InFlightCount {
    let websockets = 0;
    let connections = 0;
    for (const connection of this.open) {
      if (connection.upstreamId !== upstreamId) continue;
      if (connection.kind === "websocket") websockets++;
      else connections++;
    }
    return { requests: this.requests.get(upstreamId) ?? 0, websockets, connections };
  }
}
