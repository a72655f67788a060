import type { StrategyName } from "../../manifest/model.js";
import type { DeployRuntime } from "../runtime.js";
import { blueGreen } from "./blue-green.js";
import { canary } from "./canary.js";
import { recreate } from "./recreate.js";
import { rolling } from "./rolling.js";
import type { Strategy } from "./strategy.js";

/** Every rollout strategy, by the name `x-slipway.strategy` uses. */
export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  recreate,
  rolling,
  "blue-green": blueGreen,
  canary,
};

/** The strategy a service asks for; canary needs the router's weights, so without one it rolls. */
export function strategyFor(name: StrategyName, rt: DeployRuntime): Strategy {
  if (name === "canary" && !rt.traffic) return rolling;
  return STRATEGIES[name];
}
