import type { LintRule } from "../rule.js";
import { dashboardHost } from "./dashboard-host.js";
import { dbPortPublic } from "./db-port-public.js";
import { healthyDependency } from "./healthy-dependency.js";
import { hostPortConflict } from "./host-port-conflict.js";
import { imageUnpinned } from "./image-unpinned.js";
import { noResourceLimits } from "./no-resource-limits.js";
import { noRestartPolicy } from "./no-restart-policy.js";
import { registryUnused } from "./registry-unused.js";
import { replicasHostPort } from "./replicas-host-port.js";
import { routePort } from "./route-port.js";
import { routedNoHealthcheck } from "./routed-no-healthcheck.js";
import { routerPortConflict } from "./router-port-conflict.js";
import { secretInEnvironment } from "./secret-in-environment.js";
import { statefulNoBackups } from "./stateful-no-backups.js";

/** Every rule `slipway check` runs, errors first. */
export const allRules: readonly LintRule[] = [
  dbPortPublic,
  secretInEnvironment,
  healthyDependency,
  hostPortConflict,
  replicasHostPort,
  routePort,
  routerPortConflict,
  dashboardHost,
  routedNoHealthcheck,
  imageUnpinned,
  registryUnused,
  statefulNoBackups,
  noRestartPolicy,
  noResourceLimits,
];
