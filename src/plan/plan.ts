import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import type { ReleaseDraft } from "../release/create.js";
import { changeReasons } from "./diff.js";
import type { ObservedState, Plan, PlanStep, ServiceAction, ServicePlan } from "./model.js";
import { rolloutSteps } from "./rollout-steps.js";
import { planStartOrder } from "./start-order.js";

/** A service that runs once per deploy rather than staying up: others wait for it to complete successfully. */
export function isOneShot(app: AppSpec, service: ServiceSpec): boolean {
  if (service.deploy.mode.endsWith("-job")) return true;
  return Object.values(app.services).some(
    (other) => other.depends_on[service.name]?.condition === "service_completed_successfully",
  );
}

/** Swarm with `x-slipway.registry`: the release image goes to the registry before the engine gets the spec. */
function pushSteps(app: AppSpec, service: ServiceSpec): PlanStep[] {
  const registry = app["x-slipway"].registry;
  if (!registry || app["x-slipway"].target !== "swarm") return [];
  return [
    {
      kind: "push",
      detail: service.build
        ? `push the image to ${registry} (tagged with the release); every node runs it by digest`
        : `push ${service.image} to ${registry} unless it has a registry digest`,
    },
  ];
}

interface Decision {
  readonly action: ServiceAction;
  readonly reasons: readonly string[];
  readonly strategy: string;
  readonly steps: readonly PlanStep[];
}

function decide(draft: ReleaseDraft, observed: ObservedState, service: ServiceSpec): Decision {
  const name = service.name;
  const { revision, buildHash, built } = draft.services[name]!;
  const before = observed.active?.spec.services[name];
  const beforeArtifact = observed.active?.artifacts[name];
  const changed = beforeArtifact?.hash !== revision;
  const reasons = changed ? changeReasons(before, service, beforeArtifact?.buildHash, buildHash) : [];
  const build: PlanStep[] = built ? [] : [{ kind: "build", detail: `build artifact ${buildHash}` }];
  const migrate = service["x-slipway"].migrate;
  const schedule = service["x-slipway"].schedule;
  if (schedule)
    return {
      action: "schedule",
      reasons: changed ? reasons : ["unchanged"],
      strategy: "cron",
      steps: [...build, { kind: "schedule", detail: `run on "${schedule.cron}"` }],
    };
  if (isOneShot(draft.spec, service)) {
    if (!changed && observed.lastJobExit[name] === 0)
      return {
        action: "skip",
        reasons: ["unchanged: skipped (its last run succeeded)"],
        strategy: "job",
        steps: [],
      };
    const why = changed
      ? reasons
      : [`its last run ${observed.lastJobExit[name] === undefined ? "is unknown" : "failed"}`];
    return {
      action: "run-job",
      reasons: why,
      strategy: "job",
      steps: [...build, { kind: "run", detail: "run to completion; dependants wait for success" }],
    };
  }
  const replicas = service.deploy.replicas;
  const serving = observed.instances.filter((i) => i.service === name && i.state !== "standby");
  const current = serving.filter((i) => i.revision === revision);
  const healthy = current.filter((i) => i.alive && i.state === "healthy");
  const strategy = service["x-slipway"].strategy;
  if (current.length === serving.length && healthy.length === replicas && serving.length === replicas)
    return { action: "skip", reasons: ["unchanged: skipped"], strategy, steps: [] };
  // The release a service already runs is repaired in place: its healthy instances stay.
  if (current.length > 0 && (!changed || serving.every((i) => i.revision === revision)))
    return {
      action: "repair",
      reasons: [`${healthy.length} of ${replicas} instances healthy`],
      strategy,
      steps: [
        ...pushSteps(draft.spec, service),
        {
          kind: "start",
          detail: `start ${replicas - healthy.length} missing instance(s) of the same revision`,
        },
        ...(serving.length > healthy.length
          ? [{ kind: "stop", detail: "stop the failed ones" } as const]
          : []),
      ],
    };
  const why = changed ? reasons : [`${healthy.length} of ${replicas} instances healthy`];
  const migration: PlanStep[] = migrate
    ? [{ kind: "migrate", detail: `run migration \`${migrate.command.join(" ")}\` from the new release` }]
    : [];
  return {
    action: "roll-out",
    reasons: why,
    strategy,
    steps: [
      ...build,
      ...pushSteps(draft.spec, service),
      ...migration,
      ...rolloutSteps(service, replicas, serving.length),
    ],
  };
}

/**
 * The Plan of deploying `draft` over what runs now: per service an action, its reasons and its
 * steps, in start levels. Pure: the same release and observation give the same plan, and
 * `slipway deploy` executes exactly it.
 */
export function planDeploy(draft: ReleaseDraft, observed: ObservedState): Plan {
  const order = planStartOrder(draft.spec);
  const levels = order.levels.map((level) =>
    level.map((entry): ServicePlan => {
      const service = draft.spec.services[entry.name]!;
      return {
        name: entry.name,
        replicas: entry.replicas,
        waitsFor: entry.waitsFor,
        ...decide(draft, observed, service),
      };
    }),
  );
  const removedCounts = new Map<string, number>();
  for (const instance of observed.instances) {
    const service = draft.spec.services[instance.service];
    if (service && !service["x-slipway"].schedule) continue;
    removedCounts.set(instance.service, (removedCounts.get(instance.service) ?? 0) + 1);
  }
  return {
    project: draft.spec.name,
    release: {
      hash: draft.hash,
      reuses: observed.active?.hash === draft.hash ? observed.active.id : undefined,
    },
    from: observed.active?.id,
    levels,
    removed: [...removedCounts].map(([service, instances]) => ({ service, instances })),
  };
}
