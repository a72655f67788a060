import type { ServiceSpec } from "../manifest/model.js";
import type { PlanStep } from "./model.js";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The batch size and order of a rolling update, as `deploy/` runs it (Compose `update_config`, `x-slipway.rolling`). */
export function rollingBatch(service: ServiceSpec, replicas: number) {
  const update = service.deploy.update_config;
  const surge = service["x-slipway"].rolling;
  const order = surge
    ? surge.max_surge === 0
      ? "stop-first"
      : "start-first"
    : (update?.order ?? "start-first");
  const batch = surge
    ? order === "start-first"
      ? surge.max_surge
      : Math.max(1, surge.max_unavailable)
    : update?.parallelism === 0
      ? Math.max(1, replicas)
      : (update?.parallelism ?? 1);
  return { order, batch: Math.max(1, batch) } as const;
}

/** The steps of rolling a service out by its strategy, from `old` serving instances to `replicas` new ones. */
export function rolloutSteps(service: ServiceSpec, replicas: number, old: number): PlanStep[] {
  const start = (what = "") =>
    ({
      kind: "start",
      detail: `start ${plural(replicas, `${what}instance`)}, each healthy before it takes traffic`,
    }) as const;
  const retire = (note = "") =>
    old > 0
      ? [{ kind: "drain", detail: `drain and stop ${plural(old, "old instance")}${note}` } as const]
      : [];
  switch (service["x-slipway"].strategy) {
    case "recreate":
      return [
        ...(old > 0
          ? [{ kind: "stop", detail: `drain and stop ${plural(old, "old instance")} first` } as const]
          : []),
        start(),
        { kind: "shift", detail: "route traffic to the new instances" },
      ];
    case "blue-green": {
      const keep = service["x-slipway"].blue_green?.keep_old.ms ?? 300_000;
      return [
        start("new-colour "),
        { kind: "shift", detail: "switch all traffic at once" },
        ...retire(keep > 0 && old > 0 ? `, kept warm for ${seconds(keep)}` : ""),
      ];
    }
    case "canary": {
      if (old === 0) return [start(), { kind: "shift", detail: "route traffic (nothing to compare with)" }];
      const weights = (service["x-slipway"].canary?.steps ?? []).map((s) => `${s.weight}%`);
      return [
        start("canary "),
        {
          kind: "shift",
          detail: `shift weight ${[...weights, "100%"].join(" → ")}, each step analysed on router figures`,
        },
        ...retire(),
      ];
    }
    default: {
      const { order, batch } = rollingBatch(service, replicas);
      return [
        {
          kind: "start",
          detail: `replace ${plural(Math.max(replicas, old), "instance")}, ${batch} at a time (${order})`,
        },
        { kind: "shift", detail: "each batch takes traffic when healthy" },
        ...retire(" as their replacements are ready"),
      ];
    }
  }
}
