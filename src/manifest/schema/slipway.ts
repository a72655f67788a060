import { isIP } from "node:net";
import { Cron } from "croner";
import { z } from "zod";
import { alerts } from "./alerts.js";
import { Duration, duration } from "./duration.js";
import { composeObject } from "./object.js";
import { observe } from "./observe.js";
import { registryAddress } from "./registry.js";
import { routerLimits } from "./router-limits.js";
import { bool, byteSize, int, num, stringList } from "./scalars.js";

/** A cron expression (5 or 6 fields, or `@daily`-style nicknames), checked when the manifest loads. */
const cron = z.string().superRefine((expression, ctx) => {
  try {
    new Cron(expression, { paused: true });
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `"${expression}" is not a cron schedule (${(error as Error).message}); write it like "0 3 * * *"`,
    });
  }
});

const strategyName = z.enum(["recreate", "rolling", "blue-green", "canary"]);
export type StrategyName = z.infer<typeof strategyName>;

const canaryStep = composeObject({
  /** Percent of requests sent to the new version at this step. */
  weight: int.pipe(z.number().int().min(0).max(100)),
  /** How long the step lasts before analysis decides. Default 2m. */
  pause: duration.default(new Duration(120_000)),
});

const canary = composeObject({
  /** Default: 10% for 2m, 50% for 2m, then 100%. */
  steps: z
    .array(canaryStep)
    .min(1)
    .default([
      { weight: 10, pause: new Duration(120_000) },
      { weight: 50, pause: new Duration(120_000) },
    ]),
  analysis: composeObject({
    /** Highest accepted share of 5xx/failed requests of the canary. Default 0.01. */
    max_error_rate: num.pipe(z.number().min(0).max(1)).default(0.01),
    /** Highest accepted p95 latency of the canary. Default none. */
    max_p95_latency: duration.optional(),
    /** Fewer canary requests than this make a step inconclusive (never a pass). Default 20. */
    min_requests: int.pipe(z.number().int().min(1)).default(20),
    /** What an inconclusive step does. Default `pause` (wait for `slipway promote` / `abort`). */
    on_inconclusive: z.enum(["pause", "abort"]).default("pause"),
  }).prefault({}),
});

const route = composeObject({
  /** Domain names this route answers for. Default: any host. */
  domains: stringList.default([]),
  /** Path prefix. Default `/`. */
  path: z.string().startsWith("/", "a route path starts with /").default("/"),
  /** Port of the service that receives the traffic. Default: the service's only port. */
  port: int.pipe(z.number().int().min(1).max(65535)).optional(),
  /** `auto` (ACME for public domains, self-signed otherwise), `self-signed`, `acme`, `files`, `off`. Default `auto`. */
  tls: z.enum(["auto", "self-signed", "acme", "files", "off"]).default("auto"),
  /** Remove the path prefix before forwarding. Default false. */
  strip_prefix: bool.default(false),
  /** Serve this directory (relative to the project) instead of proxying to a process. */
  static: z.string().optional(),
  /** Layer 4: forward raw TCP instead of HTTP. Default `http`. */
  protocol: z.enum(["http", "tcp"]).default("http"),
});

const retention = composeObject({
  /** Keep the newest N backups. Default 7. */
  keep_last: int.pipe(z.number().int().min(1)).default(7),
  /** Keep one per day for N days. Default 7. */
  daily: int.pipe(z.number().int().min(0)).default(7),
  /** Keep one per week for N weeks. Default 4. */
  weekly: int.pipe(z.number().int().min(0)).default(4),
  /** Keep one per month for N months. Default 6. */
  monthly: int.pipe(z.number().int().min(0)).default(6),
});

const serviceBackups = composeObject({
  /** `postgres`, `redis` or `volume`. Default: from the image. */
  engine: z.enum(["postgres", "redis", "volume"]).optional(),
  /** When to back up. Default `0 3 * * *` (daily, 03:00). */
  schedule: cron.default("0 3 * * *"),
  /** Name of a store in the top-level `x-slipway.backups.stores`. Default `local`. */
  store: z.string().default("local"),
  retention: retention.prefault({}),
  /** When to prove the newest backup restores. Default `0 4 * * 0` (weekly). */
  verify: cron.default("0 4 * * 0"),
  /** SQL query or command whose success proves a restored copy is usable. */
  verify_check: z.string().optional(),
  /** Back up before migrations run. Default true. */
  before_migrate: bool.default(true),
});

/** Size bounds of each instance's captured stdout and stderr (as Docker's json-file `max-size`/`max-file`). */
const logs = composeObject({
  /** The current file is rotated once it reaches this size. Default 10m. */
  max_size: byteSize.pipe(z.number().int().min(1)).optional(),
  /** Files kept per stream, the current one included. Default 3. */
  max_files: int.pipe(z.number().int().min(1)).optional(),
});

/** Per-service `x-slipway`. */
export const serviceSlipway = composeObject({
  /** Rollout strategy. Default: `rolling` (start-first) for stateless services, `recreate` for stateful ones. */
  strategy: strategyName.optional(),
  rolling: composeObject({
    /** Extra instances allowed during a rollout. Default 1. */
    max_surge: int.pipe(z.number().int().min(0)).default(1),
    /** Instances allowed to be missing during a rollout. Default 0. */
    max_unavailable: int.pipe(z.number().int().min(0)).default(0),
  }).optional(),
  blue_green: composeObject({
    /** How long the old colour stays running after the switch. Default 5m. */
    keep_old: duration.default(new Duration(300_000)),
  }).optional(),
  canary: canary.optional(),
  /** How long in-flight requests and WebSockets may finish before an instance stops. Default 30s. */
  drain_timeout: duration.default(new Duration(30_000)),
  routes: z.array(route).default([]),
  /** Command run once from the new release before its instances start. */
  migrate: z
    .union([
      z.string().transform((command) => ({ command: [command], timeout: new Duration(300_000) })),
      composeObject({ command: stringList, timeout: duration.default(new Duration(300_000)) }),
    ])
    .optional(),
  /** Run this service as a job on a cron schedule instead of keeping it running. */
  schedule: z
    .union([
      cron.transform((expression) => ({ cron: expression, timeout: undefined })),
      composeObject({ cron, timeout: duration.optional() }),
    ])
    .optional(),
  backups: serviceBackups.optional(),
  /** Scale between `min` and `max` replicas on CPU use (a HorizontalPodAutoscaler on kubernetes). Default none. */
  autoscale: composeObject({
    /** Fewest replicas. Default 1. */
    min: int.pipe(z.number().int().min(1)).default(1),
    /** Most replicas. */
    max: int.pipe(z.number().int().min(1)),
    /** Average CPU use, in percent of the request, that the autoscaler aims for. Default 80. */
    cpu: int.pipe(z.number().int().min(1).max(1000)).default(80),
  })
    .refine((a) => a.max >= a.min, "autoscale.max must be at least autoscale.min")
    .optional(),
  /** Log size bounds; each key not given comes from the top-level `logs`. */
  logs: logs.optional(),
  /** How the process target builds and runs this service natively. */
  process: composeObject({
    /** Build command (shell). Default for a Node project: `npm ci` then `npm run build` if present. */
    build: z.string().optional(),
    /** Run command (shell). Default: the Compose `command`/`entrypoint`, else `npm start`. */
    run: z.string().optional(),
    /** Directory the commands run in, relative to the build context. Default the context. */
    cwd: z.string().optional(),
  }).optional(),
});
export type ServiceSlipway = z.infer<typeof serviceSlipway>;

const backupStore = z.discriminatedUnion("type", [
  composeObject({ type: z.literal("local"), path: z.string() }),
  composeObject({
    type: z.literal("s3"),
    bucket: z.string(),
    prefix: z.string().default(""),
    endpoint: z.string().optional(),
    region: z.string().default("us-east-1"),
    force_path_style: bool.default(false),
  }),
]);

/** Top-level `x-slipway`. */
export const projectSlipway = composeObject({
  /** Where the services run: `process`, `docker`, `swarm` or `kubernetes`. Default `process`. */
  target: z.enum(["process", "docker", "swarm", "kubernetes"]).default("process"),
  /** Strategy for services that do not name one. Default: see per-service `strategy`. */
  strategy: strategyName.optional(),
  /**
   * Swarm target: the registry (and path) release images are pushed to before the update, so every
   * node pulls the same image by digest (`registry.example.com/team`). Default none: local images.
   */
  registry: registryAddress.optional(),
  router: composeObject({
    /** `builtin` or `nginx`. Default `builtin`. */
    driver: z.enum(["builtin", "nginx"]).default("builtin"),
    /** Address the router listens on. Default `0.0.0.0` (every IPv4 interface); `127.0.0.1` keeps it local. */
    host: z
      .string()
      .refine((value) => isIP(value) !== 0, "must be an IP address such as 0.0.0.0, 127.0.0.1 or ::")
      .default("0.0.0.0"),
    /** Default 80. */
    http_port: int.default(80),
    /** Default 443. */
    https_port: int.default(443),
    /** Longest a request waits for a healthy instance during a switch. Default 10s. */
    queue_timeout: duration.default(new Duration(10_000)),
    /**
     * Processes serving traffic: a number, or `auto` for one per CPU core. nginx: `worker_processes`;
     * builtin: worker processes sharing the listeners (a change restarts the router). Default 1.
     */
    workers: z
      .union([z.literal("auto"), int.refine((n) => n >= 1 && n <= 64, "must be between 1 and 64")])
      .optional(),
    ...routerLimits,
  }).prefault({}),
  tls: composeObject({
    /** Account e-mail for ACME. */
    email: z.string().optional(),
    /** ACME directory URL. Default Let's Encrypt production. */
    acme_directory: z.string().optional(),
    /** Lowest TLS version. Default `1.2`. */
    min_version: z.enum(["1.2", "1.3"]).default("1.2"),
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
  }).prefault({}),
  backups: composeObject({
    /** Named stores; `local` (under the state directory) always exists. */
    stores: z.record(z.string(), backupStore).default({}),
    /** age recipients (public keys) backups are encrypted to. Default: none (not encrypted). */
    recipients: z.array(z.string()).default([]),
  }).prefault({}),
  /** Log size bounds of every service that does not set its own. Default 10m × 3 files. */
  logs: logs.optional(),
  /** The agent's metrics endpoint and web dashboard (see schema/observe.ts). Default: not served. */
  observe: observe.optional(),
  /** Settings of the kubernetes target (see src/targets/kubernetes). Default: all defaults below. */
  kubernetes: composeObject({
    /** Namespace of every object. Default: the project name. */
    namespace: z.string().optional(),
    /** kubeconfig context. Default: the kubeconfig's current context (`--context` overrides both). */
    context: z.string().optional(),
    /** Registry prefix of built services' images (`registry.example.com/team`). Default none: the local tag. */
    registry: z.string().optional(),
    /** `ingressClassName` of the Ingress objects. Default: the cluster's default class. */
    ingress_class: z.string().optional(),
    /** cert-manager ClusterIssuer of routes with TLS `auto`/`acme`. Default `letsencrypt`. */
    cluster_issuer: z.string().default("letsencrypt"),
    /** StorageClass of volume claims. Default: the cluster's default class. */
    storage_class: z.string().optional(),
    /** Size each named volume's claim asks for. Default `1Gi`. */
    volume_size: z
      .string()
      .regex(/^\d+(\.\d+)?([KMGTPE]i|[kMGTPE])?$/, "must be a Kubernetes quantity such as 1Gi or 500Mi")
      .default("1Gi"),
    /** A rollout that makes no progress this long fails (Deployment `progressDeadlineSeconds`). Default 10m. */
    progress_deadline: duration.default(new Duration(600_000)),
  }).optional(),
  /** Alert rules and the channels their notices go to (see schema/alerts.ts). Default: built-in rules, no channel. */
  alerts: alerts.optional(),
});
export type ProjectSlipway = z.infer<typeof projectSlipway>;
