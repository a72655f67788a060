import { z } from "zod";
import { duration } from "./duration.js";
import { composeObject } from "./object.js";
import { byteSize, int, listOrDict, num, text } from "./scalars.js";

const updateConfig = composeObject({
  /** How many instances are replaced at once. Default 1. */
  parallelism: int.pipe(z.number().int().min(0)).default(1),
  /** Wait between batches. Default 0s. */
  delay: duration.optional(),
  /** What to do when an updated instance fails. Default `rollback` for update_config. */
  failure_action: z.enum(["continue", "rollback", "pause"]).optional(),
  /** How long a new instance is watched after it started. Default 0s. */
  monitor: duration.optional(),
  max_failure_ratio: num.default(0),
  /** `stop-first` (Compose default) or `start-first` (new instance healthy before the old one stops). */
  order: z.enum(["stop-first", "start-first"]).optional(),
});

/** `count`: a number of devices or `all` (kept as -1, as the reference does). */
const deviceCount = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (value === "all") return -1;
  const count = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(count) && count >= 0) return count;
  ctx.addIssue({
    code: "custom",
    message: `"${value}" is not a device count`,
    params: { hint: 'write a number of devices, or "all"' },
  });
  return z.NEVER;
});

/** A device reservation; without `count` or `device_ids` it reserves every device (count -1). */
const deviceRequest = composeObject({
  capabilities: z.array(text),
  count: deviceCount.optional(),
  device_ids: z.array(text).optional(),
  driver: z.string().optional(),
  options: listOrDict.optional(),
}).transform((device, ctx) => {
  if (device.count !== undefined && device.device_ids !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["count"],
      message: '"count" and "device_ids" are exclusive',
      params: { code: "E_MANIFEST_CONFLICT", hint: "reserve either a number of devices or specific ones" },
    });
    return z.NEVER;
  }
  return device.count === undefined && device.device_ids === undefined ? { ...device, count: -1 } : device;
});

const resourceSpec = composeObject({
  cpus: num.optional(),
  memory: byteSize.optional(),
  pids: int.optional(),
  devices: z.array(deviceRequest).optional(),
  generic_resources: z.array(z.unknown()).optional(),
});

/** `deploy`: replicas, update and rollback settings, restart policy and resources. */
export const deploy = composeObject({
  mode: z.enum(["replicated", "global", "replicated-job", "global-job"]).default("replicated"),
  endpoint_mode: z.string().optional(),
  /** Number of instances. Default 1. */
  replicas: int.pipe(z.number().int().min(0)).optional(),
  labels: listOrDict.optional(),
  update_config: updateConfig.optional(),
  rollback_config: updateConfig.optional(),
  resources: composeObject({
    limits: resourceSpec.optional(),
    reservations: resourceSpec.optional(),
  }).optional(),
  restart_policy: composeObject({
    condition: z.enum(["none", "on-failure", "any"]).default("any"),
    delay: duration.optional(),
    max_attempts: int.optional(),
    window: duration.optional(),
  }).optional(),
  placement: composeObject({
    constraints: z.array(z.string()).optional(),
    preferences: z.array(composeObject({ spread: z.string() })).optional(),
    max_replicas_per_node: int.optional(),
  }).optional(),
});

/** `healthcheck`: how to tell a running instance is healthy. */
export const healthcheck = composeObject({
  /** `["CMD", …]`, `["CMD-SHELL", "…"]`, `["NONE"]`, or a string (run by a shell). */
  test: z.union([z.string().transform((s) => ["CMD-SHELL", s]), z.array(text)]).optional(),
  /** Default 30s. */
  interval: duration.optional(),
  /** Default 30s. */
  timeout: duration.optional(),
  /** Default 3. */
  retries: int.pipe(z.number().int().min(0)).optional(),
  /** Default 0s. */
  start_period: duration.optional(),
  /** Default 5s. */
  start_interval: duration.optional(),
  disable: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(false),
}).superRefine((value, ctx) => {
  const first = value.test?.[0];
  if (first !== undefined && !["CMD", "CMD-SHELL", "NONE"].includes(first)) {
    ctx.addIssue({
      code: "custom",
      path: ["test", 0],
      message: `healthcheck test must start with "CMD", "CMD-SHELL" or "NONE", not "${first}"`,
    });
  }
});

/** `depends_on`: a list of service names or a mapping with conditions, normalized to the mapping. */
export const dependsOn = z
  .union([
    z.array(z.string()),
    z.record(
      z.string(),
      composeObject({
        condition: z
          .enum(["service_started", "service_healthy", "service_completed_successfully"])
          .default("service_started"),
        restart: z
          .union([z.boolean(), z.string()])
          .default(false)
          .transform((v) => v === true || v === "true"),
        required: z.boolean().default(true),
      }),
    ),
  ])
  .transform((value) => {
    if (!Array.isArray(value)) return value;
    return Object.fromEntries(
      value.map((name) => [name, { condition: "service_started" as const, restart: false, required: true }]),
    );
  });
