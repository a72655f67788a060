import type { Instance } from "../../state/index.js";
import { drainInstance, handleOf, type LiveInstance } from "../instances.js";
import { emitSplit, launchReady, retireAll, type ServiceChange } from "../rollout.js";
import type { DeployRuntime } from "../runtime.js";
import type { Strategy } from "./strategy.js";

/**
 * The release's own instances kept warm by an earlier switch (`standby`), when every replica is
 * there and alive: switching back to them is a router change, with no start and no health wait.
 */
async function warmColour(
  rt: DeployRuntime,
  change: ServiceChange,
  replicas: number,
): Promise<readonly Instance[] | undefined> {
  const warm = change.old.filter(
    (i) =>
      i.state === "standby" &&
      i.releaseId === change.release &&
      i.serviceHash === change.artifact.hash &&
      i.index < replicas,
  );
  if (warm.length === 0 || warm.length !== replicas) return undefined;
  const alive = await rt.target.adopt(warm.map(handleOf));
  return alive.length === replicas ? warm : undefined;
}

async function startColour(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<string[]> {
  const started: LiveInstance[] = [];
  try {
    for (let index = 0; index < replicas; index++) {
      const live = await launchReady(rt, change, index);
      // Not in rotation until the switch.
      rt.store.setInstanceState(live.request.id, "running");
      started.push(live);
    }
  } catch (error) {
    for (const live of started) {
      await rt.target.stop(live.handle, "SIGKILL", 0);
      rt.store.removeInstance(live.request.id);
    }
    throw error;
  }
  return started.map((live) => live.request.id);
}

/**
 * `blue-green`: the whole new colour starts and is checked (or, when the release's colour is still
 * warm from an earlier switch, nothing starts), then one switch moves all traffic. The old colour
 * drains and stays warm on `standby` for `blue_green.keep_old` (a rollback within that window is
 * only a switch back); the supervisor stops it when the window ends. A colour older than that stops now.
 */
async function switchColours(rt: DeployRuntime, change: ServiceChange, replicas: number): Promise<void> {
  const service = change.app.services[change.service]!;
  const warm = await warmColour(rt, change, replicas);
  if (warm)
    rt.emit({
      type: "service",
      service: change.service,
      phase: "traffic",
      detail: `switching back to warm ${change.release}`,
    });
  const incoming = new Set(warm ? warm.map((i) => i.id) : await startColour(rt, change, replicas));
  const outgoing = change.old.filter((i) => !incoming.has(i.id));
  const serving = outgoing.filter((i) => i.state !== "standby");
  rt.store.transaction(() => {
    for (const id of incoming) rt.store.setInstanceState(id, "healthy", { standbyUntil: null });
    for (const instance of serving)
      if (instance.state === "healthy") rt.store.setInstanceState(instance.id, "draining");
  });
  await rt.publish(change.app.name);
  emitSplit(rt, change);
  const keepOldMs = service["x-slipway"].blue_green?.keep_old.ms ?? 300_000;
  const keep = keepOldMs === 0 ? [] : serving.filter((i) => i.state === "healthy");
  const stale = outgoing.filter((i) => !keep.includes(i));
  await Promise.all([
    retireAll(rt, change, stale),
    ...keep.map(async (instance) => {
      await drainInstance(rt, { ...instance, state: "draining" }, service);
      rt.store.setInstanceState(instance.id, "standby", { standbyUntil: Date.now() + keepOldMs });
      rt.emit({ type: "service", service: change.service, phase: "standby", detail: instance.id });
    }),
  ]);
  if (keep.length > 0) await rt.publish(change.app.name);
}

export const blueGreen: Strategy = { name: "blue-green", rollOut: switchColours };
