import { createServer } from "node:net";
import { SlipwayError } from "../../errors.js";

/**
 * Tasks run with host networking and find their port in `PORT`, which Swarm renders per task from a
 * template: `<prefix>{{.Task.Slot}}`. Slot N of a service listens on the number `<prefix>N`, so
 * slipway's router knows every task's port from the slot alone, and a release gets a fresh prefix
 * (a start-first update runs both releases of a slot at once). Global services have one task per
 * node, on `<prefix>0`.
 */
export const MAX_SLOTS = 9;

/** Swarm's placeholder for a task's slot number. */
export const SLOT_TEMPLATE = "{{.Task.Slot}}";

/** The `PORT` template of a service's tasks. */
export const portTemplate = (prefix: number, global: boolean): string =>
  global ? `${prefix}0` : `${prefix}${SLOT_TEMPLATE}`;

/** The port of slot `slot` (0 for a global service's task). */
export const slotPort = (prefix: number, slot: number): number => prefix * 10 + slot;

/** Prefixes whose ports (`<prefix>0` … `<prefix>9`) are all between 10000 and 65535. */
const LOWEST = 1000;
const HIGHEST = 6552;

/** Whether a port can be bound on loopback right now. */
const isPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** Refuses more replicas than there are slot ports (a coded error, before anything changes). */
export function requireSlots(service: string, replicas: number): void {
  if (replicas <= MAX_SLOTS) return;
  throw new SlipwayError({
    code: "E_SWARM_REPLICAS",
    message: `${service} asks for ${replicas} replicas; with host networking the swarm target gives each slot its own port and has ${MAX_SLOTS}`,
    hint: `use at most ${MAX_SLOTS} replicas per service (or one service per group of replicas)`,
  });
}

/** A prefix whose slot ports are all free on loopback now, avoiding `taken` (other services' prefixes). */
export async function freePrefix(replicas: number, taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const prefix = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST));
    if (taken.has(prefix)) continue;
    const ports = Array.from({ length: Math.max(1, replicas) + 1 }, (_, slot) => slotPort(prefix, slot));
    if ((await Promise.all(ports.map((port) => isPortFree(port)))).every(Boolean)) return prefix;
  }
  throw new SlipwayError({
    code: "E_SWARM_REPLICAS",
    message: "no free range of task ports was found on loopback",
    hint: "free some ports between 10000 and 65535",
  });
}
