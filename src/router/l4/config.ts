/** One address the proxy listens on and the instances it forwards connections to. */
export interface L4Listener {
  /** `service:port` or `published:host:port`, for logs. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Healthy instances, in the order connections are spread over them (round robin). */
  readonly upstreams: readonly { readonly id: string; readonly host: string; readonly port: number }[];
}

/** The whole configuration, written atomically to a file the proxy re-reads on SIGHUP. */
export interface L4Config {
  /** Increases with every change; the proxy writes it back once applied, so the agent knows when to go on. */
  readonly generation: number;
  readonly listeners: readonly L4Listener[];
}

export const listenerKey = (listener: Pick<L4Listener, "host" | "port">) =>
  `${listener.host}:${listener.port}`;
