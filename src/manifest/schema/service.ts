import { z } from "zod";
import { dependsOn, deploy, healthcheck } from "./deploy.js";
import { duration } from "./duration.js";
import { extraHosts } from "./extra-hosts.js";
import { composeObject } from "./object.js";
import { ports } from "./ports.js";
import { bool, byteSize, command, fileMode, int, listOrDict, num, stringList, text } from "./scalars.js";
import { serviceSlipway } from "./slipway.js";
import { serviceVolumes } from "./volumes.js";

const strings = z.array(text);

const build = z.union([
  z.string().transform((context) => ({ context, dockerfile: "Dockerfile", args: {} })),
  composeObject({
    context: z.string().default("."),
    /** Default `Dockerfile`, unless `dockerfile_inline` is given. */
    dockerfile: z.string().optional(),
    dockerfile_inline: z.string().optional(),
    args: listOrDict.default({}),
    target: z.string().optional(),
    ssh: listOrDict.optional(),
    cache_from: strings.optional(),
    cache_to: strings.optional(),
    no_cache: bool.optional(),
    additional_contexts: listOrDict.optional(),
    network: z.string().optional(),
    pull: bool.optional(),
    labels: listOrDict.optional(),
    shm_size: byteSize.optional(),
    extra_hosts: extraHosts.optional(),
    isolation: z.string().optional(),
    privileged: bool.optional(),
    secrets: z.array(z.unknown()).optional(),
    tags: strings.optional(),
    ulimits: z.record(z.string(), z.unknown()).optional(),
    platforms: strings.optional(),
    entitlements: strings.optional(),
    provenance: z.union([z.string(), z.boolean()]).optional(),
    sbom: z.union([z.string(), z.boolean()]).optional(),
  }).transform((value, ctx) => {
    if (value.dockerfile !== undefined && value.dockerfile_inline !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dockerfile_inline"],
        message: '"dockerfile" and "dockerfile_inline" are exclusive',
        params: { code: "E_MANIFEST_CONFLICT", hint: "keep one of them" },
      });
      return z.NEVER;
    }
    return value.dockerfile_inline === undefined
      ? { ...value, dockerfile: value.dockerfile ?? "Dockerfile" }
      : value;
  }),
]);

/** `develop.watch`: each entry names a `path` and the `action` a change there triggers. */
const develop = z.looseObject({
  watch: z
    .array(
      z.looseObject({
        path: z.string(),
        action: z.enum(["rebuild", "sync", "restart", "sync+restart", "sync+exec"]),
        target: z.string().optional(),
      }),
    )
    .optional(),
});

const envFile = z
  .union([
    z.string(),
    z.array(
      z.union([
        z.string(),
        composeObject({ path: z.string(), required: bool.default(true), format: z.string().optional() }),
      ]),
    ),
  ])
  .transform((value) =>
    (Array.isArray(value) ? value : [value]).map((entry) =>
      typeof entry === "string" ? { path: entry, required: true } : entry,
    ),
  );

/** Service `secrets:` / `configs:` entries: a name or a mapping, normalized to the mapping. */
const fileGrants = z.array(
  z.union([
    z.string().transform((source) => ({ source })),
    composeObject({
      source: z.string(),
      target: z.string().optional(),
      uid: text.optional(),
      gid: text.optional(),
      mode: fileMode.optional(),
    }),
  ]),
);

const serviceNetworks = z
  .union([
    z.array(z.string()),
    z.record(
      z.string(),
      z.union([
        z.null(),
        composeObject({
          aliases: strings.optional(),
          interface_name: z.string().optional(),
          ipv4_address: z.string().optional(),
          ipv6_address: z.string().optional(),
          link_local_ips: strings.optional(),
          mac_address: z.string().optional(),
          driver_opts: z.record(z.string(), z.unknown()).optional(),
          priority: z.number().optional(),
          gw_priority: z.number().optional(),
        }),
      ]),
    ),
  ])
  .transform((value) => (Array.isArray(value) ? Object.fromEntries(value.map((n) => [n, null])) : value));

const restart = z.string().regex(/^(no|always|unless-stopped|on-failure(:\d+)?)$/, {
  message: 'restart must be "no", "always", "on-failure[:max-retries]" or "unless-stopped"',
});

/** Fields slipway accepts because Compose has them, but does not interpret (kept as written). */
const passthrough = {
  annotations: listOrDict.optional(),
  attach: bool.optional(),
  blkio_config: z.record(z.string(), z.unknown()).optional(),
  cap_add: strings.optional(),
  cap_drop: strings.optional(),
  cgroup: z.enum(["host", "private"]).optional(),
  cgroup_parent: z.string().optional(),
  container_name: z.string().optional(),
  cpu_count: int.optional(),
  cpu_percent: int.optional(),
  cpu_shares: int.optional(),
  cpu_quota: int.optional(),
  cpu_period: int.optional(),
  cpu_rt_period: int.optional(),
  cpu_rt_runtime: int.optional(),
  cpus: num.optional(),
  cpuset: z.string().optional(),
  credential_spec: z.record(z.string(), z.unknown()).optional(),
  develop: develop.nullable().optional(),
  device_cgroup_rules: strings.optional(),
  devices: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
  dns: stringList.optional(),
  dns_opt: strings.optional(),
  dns_search: stringList.optional(),
  domainname: z.string().optional(),
  expose: z.array(text).optional(),
  external_links: strings.optional(),
  extra_hosts: extraHosts.optional(),
  gpus: z.unknown().optional(),
  group_add: strings.optional(),
  hostname: z.string().optional(),
  init: bool.optional(),
  ipc: z.string().optional(),
  isolation: z.string().optional(),
  label_file: stringList.optional(),
  labels: listOrDict.optional(),
  links: strings.optional(),
  logging: composeObject({
    driver: z.string().optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  }).optional(),
  mac_address: z.string().optional(),
  mem_limit: byteSize.optional(),
  mem_reservation: byteSize.optional(),
  mem_swappiness: int.optional(),
  memswap_limit: byteSize.optional(),
  models: z.unknown().optional(),
  network_mode: z.string().optional(),
  oom_kill_disable: bool.optional(),
  oom_score_adj: int.optional(),
  pid: z.string().nullable().optional(),
  pids_limit: int.optional(),
  platform: z.string().optional(),
  post_start: z.array(z.record(z.string(), z.unknown())).optional(),
  pre_start: z.array(z.record(z.string(), z.unknown())).optional(),
  pre_stop: z.array(z.record(z.string(), z.unknown())).optional(),
  privileged: bool.optional(),
  provider: z.record(z.string(), z.unknown()).optional(),
  pull_policy: z.string().optional(),
  pull_refresh_after: z.string().optional(),
  read_only: bool.optional(),
  runtime: z.string().optional(),
  scale: int.pipe(z.number().int().min(0)).optional(),
  security_opt: strings.optional(),
  shm_size: byteSize.optional(),
  stdin_open: bool.optional(),
  storage_opt: z.record(z.string(), z.unknown()).optional(),
  sysctls: listOrDict.optional(),
  tmpfs: stringList.optional(),
  tty: bool.optional(),
  ulimits: z.record(z.string(), z.union([int, composeObject({ soft: int, hard: int })])).optional(),
  use_api_socket: bool.optional(),
  userns_mode: z.string().optional(),
  uts: z.string().optional(),
  volumes_from: strings.optional(),
};

/** One service as written (after merge and `extends`), validated and normalized. */
export const serviceSchema = composeObject({
  ...passthrough,
  image: z.string().optional(),
  build: build.optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: listOrDict.default({}),
  env_file: envFile.default([]),
  working_dir: z.string().optional(),
  user: text.optional(),
  ports: ports.default([]),
  volumes: serviceVolumes.default([]),
  depends_on: dependsOn.default({}),
  healthcheck: healthcheck.optional(),
  deploy: deploy.optional(),
  restart: restart.optional(),
  stop_signal: z.string().optional(),
  stop_grace_period: duration.optional(),
  profiles: strings.default([]),
  secrets: fileGrants.default([]),
  configs: fileGrants.default([]),
  networks: serviceNetworks.optional(),
  "x-slipway": serviceSlipway.prefault({}),
});
