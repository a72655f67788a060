/** One address the proxy listens on and the instances it forwards connections to. */
export interface L4Listener {
  /** `service:port` or `published:host:port`, for logs. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Healthy instances, in the order connections are spread over them (round robin). */
  readonly upstreams: readonly L4Upstream[];
}

export interface L4Upstream {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** The whole configuration, written atomically to a file the proxy re-reads on SIGHUP. */
export interface L4Config {
  /** Increases with every change; the proxy writes it back once applied, so the agent knows when to go on. */
  readonly generation: number;
  readonly listeners: readonly L4Listener[];
}

/** A listener the proxy could not open (the address is held by another process, or does not exist). */
export interface L4BindFailure {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** errno code such as `EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`. */
  readonly code: string;
}

/** What the proxy writes back once a generation is applied (`proxy.json.applied`). */
export interface L4Applied {
  readonly generation: number;
  /** Empty when every listener is open. */
  readonly failures: readonly L4BindFailure[];
}

export const listenerKey = (listener: Pick<L4Listener, "host" | "port">) =>
  `${listener.host}:${listener.port}`;

/** Reads the applied file; a bare number is what proxies before bind reports wrote. */
export function parseApplied(text: string): L4Applied | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { generation: Number(trimmed), failures: [] };
  try {
    const value = JSON.parse(trimmed) as L4Applied;
    return typeof value.generation === "number"
      ? { generation: value.generation, failures: value.failures ?? [] }
      : undefined;
  } catch {
    return undefined;
  }
}
