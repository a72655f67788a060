import { InputError, type SourceLocation } from "../errors.js";
import type { AppSpec, StrategyName } from "../manifest/model.js";
import { type DependencyGraph, startLevels } from "./graph.js";

/** One service's place in the plan. */
export interface PlannedService {
  readonly name: string;
  readonly strategy: StrategyName;
  readonly replicas: number;
  /** Cron schedule when the service runs as a job rather than staying up. */
  readonly schedule?: string;
  /** Services it waits for, with the condition it waits on. */
  readonly waitsFor: readonly { readonly service: string; readonly condition: string }[];
}

/** Start order: every service of level n depends only on services of earlier levels. */
export interface StartPlan {
  readonly project: string;
  readonly levels: readonly (readonly PlannedService[])[];
}

/** The `depends_on` graph of the active services (optional dependencies on disabled services are left out). */
export function dependencyGraph(spec: AppSpec): DependencyGraph {
  return new Map(
    Object.values(spec.services).map((service) => [
      service.name,
      Object.keys(service.depends_on).filter((name) => name in spec.services),
    ]),
  );
}

/** Orders the services for start-up; a dependency loop is an input error that prints the loop. */
export function planStartOrder(
  spec: AppSpec,
  locate: (path: readonly (string | number)[]) => SourceLocation | undefined = () => undefined,
): StartPlan {
  const result = startLevels(dependencyGraph(spec));
  if ("cycle" in result) {
    const [first, second] = result.cycle;
    throw new InputError({
      code: "E_PLAN_CYCLE",
      message: `services depend on each other in a loop: ${result.cycle.join(" → ")}`,
      hint: "remove one depends_on entry of the loop; a service cannot wait for itself to start",
      path: `services.${first}.depends_on.${second}`,
      location: locate(["services", first ?? "", "depends_on", second ?? ""]),
    });
  }
  return {
    project: spec.name,
    levels: result.levels.map((names) =>
      names.map((name) => {
        const service = spec.services[name]!;
        return {
          name,
          strategy: service["x-slipway"].strategy,
          replicas: service.deploy.replicas,
          ...(service["x-slipway"].schedule ? { schedule: service["x-slipway"].schedule.cron } : {}),
          waitsFor: Object.entries(service.depends_on)
            .filter(([dependency]) => dependency in spec.services)
            .map(([dependency, { condition }]) => ({ service: dependency, condition })),
        };
      }),
    ),
  };
}
