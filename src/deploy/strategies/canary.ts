import type { ServiceSpec } from "../../manifest/model.js";
import type { TrafficControl } from "../../router/traffic-control.js";
import type { DeployErrorCode } from "../errors.js";
import { DeployFailure } from "../failure.js";
import { type LiveInstance, retireInstance } from "../instances.js";
import { launchReady, type ServiceChange } from "../rollout.js";
import type { DeployRuntime } from "../runtime.js";
import { judgeCanaryStep } from "./canary-analysis.js";
import type { Strategy } from "./strategy.js";

/**
 * `canary`: the new version starts beside the stable one with no traffic, then takes the weight of
 * each step; after each step's pause the router's own figures decide: pass → next step, fail →
 * all traffic back to stable and the deploy is rolled back, too few requests → inconclusive (never a
 * pass): pause for `slipway promote` / `slipway abort`, or abort, as configured.
 */
async function shiftByWeight(
  rt: DeployRuntime,
  traffic: TrafficControl,
  change: ServiceChange,
  replicas: number,
): Promise<void> {
  const { app, service: name, release } = change;
  const service = app.services[name]!;
  const settings = service["x-slipway"].canary;
  const steps = settings?.steps ?? [];
  const analysis = settings?.analysis;
  const stable = change.old.find((i) => i.state === "healthy")?.releaseId;
  const emitSplit = (weight: number) =>
    rt.emit({
      type: "service",
      service: name,
      phase: "traffic",
      detail: `${weight}% → ${release}, ${100 - weight}% → ${stable ?? "none"}`,
    });

  if (!stable) {
    // Nothing to compare with (first deploy): plain start.
    for (let index = 0; index < replicas; index++) await launchReady(rt, change, index);
    await rt.publish(app.name);
    return;
  }
  await traffic.setWeights(app.name, name, { [stable]: 100, [release]: 0 });
  const started: LiveInstance[] = [];
  const abort = async (reason: string, code: DeployErrorCode) => {
    await traffic.setWeights(app.name, name, { [stable]: 100, [release]: 0 });
    emitSplit(0);
    await retireAll(
      rt,
      service,
      started.map((s) => s.request.id),
    );
    await traffic.setWeights(app.name, name, undefined);
    throw new DeployFailure(
      code,
      `canary of ${name} aborted: ${reason}`,
      "all traffic is back on the stable version",
    );
  };
  try {
    for (let index = 0; index < replicas; index++) started.push(await launchReady(rt, change, index));
  } catch (error) {
    // A canary that never became ready leaves no weights behind: the next rollout splits by instances.
    await traffic.setWeights(app.name, name, undefined);
    throw error;
  }
  for (const step of steps) {
    await traffic.setWeights(app.name, name, { [stable]: 100 - step.weight, [release]: step.weight });
    emitSplit(step.weight);
    await traffic.resetMeasure(app.name, name);
    const early = await traffic.waitForDecision(app.name, step.pause.ms);
    if (early === "abort") return abort("aborted by hand", "E_CANARY_ABORTED");
    if (early === "promote") break;
    const figures = await traffic.measure(app.name, name);
    const verdict = judgeCanaryStep(
      figures[release] ?? { requests: 0, errors: 0, p95Ms: 0 },
      figures[stable],
      {
        maxErrorRate: analysis?.max_error_rate ?? 0.01,
        maxP95Ms: analysis?.max_p95_latency?.ms,
        minRequests: analysis?.min_requests ?? 20,
      },
    );
    rt.emit({
      type: "service",
      service: name,
      phase: "analysis",
      detail: `${step.weight}%: ${verdict.kind} — ${verdict.summary}`,
    });
    if (verdict.kind === "fail") return abort(verdict.summary, "E_CANARY_FAILED");
    if (verdict.kind === "inconclusive") {
      if (analysis?.on_inconclusive === "abort")
        return abort(`inconclusive: ${verdict.summary}`, "E_CANARY_INCONCLUSIVE");
      rt.emit({
        type: "service",
        service: name,
        phase: "paused",
        detail: "waiting for `slipway promote` or `slipway abort`",
      });
      const decision = await traffic.waitForDecision(app.name, Number.POSITIVE_INFINITY);
      if (decision !== "promote") return abort("aborted by hand", "E_CANARY_ABORTED");
    }
  }
  await traffic.setWeights(app.name, name, { [stable]: 0, [release]: 100 });
  emitSplit(100);
  await retireAll(
    rt,
    service,
    change.old.map((i) => i.id),
  );
  await traffic.setWeights(app.name, name, undefined);
}

export const canary: Strategy = {
  name: "canary",
  rollOut(rt, change, replicas) {
    if (!rt.traffic)
      throw new Error("canary needs the router (strategyFor falls back to rolling without one)");
    return shiftByWeight(rt, rt.traffic, change, replicas);
  },
};

async function retireAll(rt: DeployRuntime, service: ServiceSpec, ids: readonly string[]): Promise<void> {
  await Promise.all(
    ids.map((id) => {
      const instance = rt.store.getInstance(id);
      return instance ? retireInstance(rt, instance, service) : undefined;
    }),
  );
}
