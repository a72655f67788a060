import type { MetaStore } from "./meta.js";

/**
 * The loopback ports an instance listens on for its service's other declared ports (keyed by the
 * Compose port), kept beside the instance record so the proxy finds them after an agent restart.
 */
export type ExtraPorts = Readonly<Record<string, number>>;

const key = (instanceId: string) => `ports:${instanceId}`;

export function recordExtraPorts(store: MetaStore, instanceId: string, ports: ExtraPorts): void {
  if (Object.keys(ports).length > 0 || store.getMeta(key(instanceId)) !== undefined)
    store.setMeta(key(instanceId), JSON.stringify(ports));
}

export function extraPortsOf(store: MetaStore, instanceId: string): ExtraPorts {
  const text = store.getMeta(key(instanceId));
  return text ? (JSON.parse(text) as ExtraPorts) : {};
}
