import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import type { ServiceSpec } from "../../manifest/model.js";
import { slotPort } from "./ports.js";
import { type SwarmServiceInput, swarmServiceSpec } from "./service-spec.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-swarm-spec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A service as the real manifest loader makes it from Compose (YAML as JSON). */
function serviceOf(service: Record<string, unknown>): ServiceSpec {
  const file = join(dir, "compose.json");
  writeFileSync(
    file,
    JSON.stringify({
      name: "shop",
      services: { api: { image: "slipway-local/node:20", ...service } },
      volumes: { data: {} },
      "x-slipway": { target: "swarm" },
    }),
  );
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return spec.services.api!;
}

const input = (service: ServiceSpec, extra: Partial<SwarmServiceInput> = {}): SwarmServiceInput => ({
  project: "shop",
  release: "r4",
  revision: "rev4",
  service,
  image: "sha256:abc",
  portPrefix: 4321,
  hosts: ["db:127.3.4.2"],
  secrets: [],
  configs: [],
  volumeDevice: (volume) => `/var/lib/slipway/volumes/shop/${volume}`,
  ...extra,
});

const MS = 1_000_000;

describe("swarmServiceSpec", () => {
  it("maps replicas, update_config and rollback_config with every field, order included", () => {
    const spec = swarmServiceSpec(
      input(
        serviceOf({
          deploy: {
            replicas: 3,
            update_config: {
              parallelism: 2,
              delay: "2s",
              failure_action: "pause",
              monitor: "15s",
              max_failure_ratio: 0.3,
              order: "start-first",
            },
            rollback_config: {
              parallelism: 0,
              order: "stop-first",
              failure_action: "continue",
              delay: "500ms",
            },
          },
        }),
      ),
    );
    expect(spec.Name).toBe("shop_api");
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(spec.UpdateConfig).toEqual({
      Parallelism: 2,
      Delay: 2000 * MS,
      FailureAction: "pause",
      Monitor: 15_000 * MS,
      MaxFailureRatio: 0.3,
      Order: "start-first",
    });
    expect(spec.RollbackConfig).toEqual({
      Parallelism: 0,
      Delay: 500 * MS,
      FailureAction: "continue",
      Monitor: 0,
      MaxFailureRatio: 0,
      Order: "stop-first",
    });
  });

  it("defaults: one replica, stop-first, parallelism 1, a failed update rolls back, a rollback continues", () => {
    const spec = swarmServiceSpec(input(serviceOf({})));
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(spec.UpdateConfig).toMatchObject({
      Parallelism: 1,
      Order: "stop-first",
      FailureAction: "rollback",
    });
    expect(spec.RollbackConfig).toMatchObject({
      Parallelism: 1,
      Order: "stop-first",
      FailureAction: "continue",
    });
    expect(spec.TaskTemplate).toMatchObject({ RestartPolicy: { Condition: "any" } });
  });

  it("maps global mode, with every node's task on <prefix>0", () => {
    const spec = swarmServiceSpec(input(serviceOf({ deploy: { mode: "global" } })));
    expect(spec.Mode).toEqual({ Global: {} });
    const env = (spec.TaskTemplate as { ContainerSpec: { Env: string[] } }).ContainerSpec.Env;
    expect(env).toContain("PORT=43210");
  });

  it("gives each slot its own PORT through Swarm's {{.Task.Slot}} template, on the host network", () => {
    const spec = swarmServiceSpec(input(serviceOf({ environment: { APP_VERSION: "v4", EMPTY: null } })));
    const task = spec.TaskTemplate as { ContainerSpec: { Env: string[] }; Networks: unknown };
    expect(task.Networks).toEqual([{ Target: "host" }]);
    expect(task.ContainerSpec.Env).toEqual(
      expect.arrayContaining([
        "APP_VERSION=v4",
        "PORT=4321{{.Task.Slot}}",
        "HOST=127.0.0.1",
        "SLIPWAY_RELEASE=r4",
        "SLIPWAY_INSTANCE=shop.api.r4.{{.Task.Slot}}",
      ]),
    );
    expect(task.ContainerSpec.Env.some((line) => line.startsWith("EMPTY"))).toBe(false);
    expect(slotPort(4321, 2)).toBe(43212);
  });

  it("maps placement, resources, restart_policy and healthcheck", () => {
    const spec = swarmServiceSpec(
      input(
        serviceOf({
          deploy: {
            placement: {
              constraints: ["node.role==manager", "node.labels.zone==a"],
              preferences: [{ spread: "node.labels.zone" }],
              max_replicas_per_node: 2,
            },
            resources: {
              limits: { cpus: "0.5", memory: "256M", pids: 100 },
              reservations: { cpus: "0.25", memory: "64M" },
            },
            restart_policy: { condition: "on-failure", delay: "3s", max_attempts: 4, window: "1m" },
          },
          healthcheck: {
            test: ["CMD", "true"],
            interval: "1s",
            timeout: "2s",
            retries: 5,
            start_period: "4s",
          },
        }),
      ),
    );
    expect(spec.TaskTemplate).toMatchObject({
      Placement: {
        Constraints: ["node.role==manager", "node.labels.zone==a"],
        Preferences: [{ Spread: { SpreadDescriptor: "node.labels.zone" } }],
        MaxReplicas: 2,
      },
      Resources: {
        Limits: { NanoCPUs: 500_000_000, MemoryBytes: 256 * 1024 * 1024, Pids: 100 },
        Reservations: { NanoCPUs: 250_000_000, MemoryBytes: 64 * 1024 * 1024 },
      },
      RestartPolicy: { Condition: "on-failure", Delay: 3000 * MS, MaxAttempts: 4, Window: 60_000 * MS },
      ContainerSpec: {
        HealthCheck: {
          Test: ["CMD", "true"],
          Interval: 1000 * MS,
          Timeout: 2000 * MS,
          Retries: 5,
          StartPeriod: 4000 * MS,
        },
      },
    });
  });

  it("maps Compose `restart` when there is no restart_policy", () => {
    const spec = swarmServiceSpec(input(serviceOf({ restart: "on-failure:3" })));
    expect(spec.TaskTemplate).toMatchObject({ RestartPolicy: { Condition: "on-failure", MaxAttempts: 3 } });
    const never = swarmServiceSpec(input(serviceOf({ restart: "no" })));
    expect(never.TaskTemplate).toMatchObject({ RestartPolicy: { Condition: "none" } });
  });

  it("maps command, entrypoint, labels with project and release, and stop settings", () => {
    const spec = swarmServiceSpec(
      input(
        serviceOf({
          command: ["node", "server.mjs"],
          entrypoint: ["/sbin/tini", "--"],
          labels: { team: "payments" },
          deploy: { labels: { tier: "web" } },
          stop_signal: "SIGINT",
          stop_grace_period: "20s",
          working_dir: "/app",
          user: "1000",
        }),
      ),
    );
    expect(spec.Labels).toMatchObject({
      tier: "web",
      "com.docker.stack.namespace": "shop",
      "com.docker.compose.project": "shop",
      "com.docker.compose.service": "api",
      "dev.slipway.release": "r4",
      "dev.slipway.revision": "rev4",
      "dev.slipway.port-prefix": "4321",
    });
    expect(spec.TaskTemplate).toMatchObject({
      ContainerSpec: {
        Image: "sha256:abc",
        Command: ["/sbin/tini", "--"],
        Args: ["node", "server.mjs"],
        Labels: { team: "payments", "com.docker.compose.project": "shop" },
        StopSignal: "SIGINT",
        StopGracePeriod: 20_000 * MS,
        Dir: "/app",
        User: "1000",
        Hosts: ["127.3.4.2 db"],
      },
    });
  });

  it("mounts versioned secrets and configs, and named volumes as the project's volumes", () => {
    const spec = swarmServiceSpec(
      input(serviceOf({ volumes: ["data:/var/data", "/srv/in:/in:ro"] }), {
        secrets: [{ id: "s1", name: "shop_db_password_v3", target: "db_password", mode: 0o400 }],
        configs: [{ id: "c1", name: "shop_nginx_0123456789ab", target: "/etc/nginx.conf" }],
      }),
    );
    const container = (spec.TaskTemplate as { ContainerSpec: Record<string, unknown> }).ContainerSpec;
    expect(container.Secrets).toEqual([
      {
        SecretID: "s1",
        SecretName: "shop_db_password_v3",
        File: { Name: "db_password", UID: "0", GID: "0", Mode: 0o400 },
      },
    ]);
    expect(container.Configs).toMatchObject([{ ConfigID: "c1", File: { Name: "/etc/nginx.conf" } }]);
    expect(container.Mounts).toEqual([
      expect.objectContaining({
        Type: "volume",
        Source: "shop_data",
        Target: "/var/data",
        VolumeOptions: expect.objectContaining({
          DriverConfig: {
            Name: "local",
            Options: { type: "none", o: "bind", device: "/var/lib/slipway/volumes/shop/data" },
          },
        }),
      }),
      { Type: "bind", Source: "/srv/in", Target: "/in", ReadOnly: true },
    ]);
  });

  it("makes a migration a replicated-job that runs once, with its own name and command", () => {
    const spec = swarmServiceSpec(
      input(serviceOf({ command: ["node", "server.mjs"], healthcheck: { test: ["CMD", "true"] } }), {
        job: { name: "shop_api_migrate_r4", command: ["/bin/sh", "-c", "migrate up"], port: 45000 },
      }),
    );
    expect(spec.Name).toBe("shop_api_migrate_r4");
    expect(spec.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } });
    expect(spec.Labels).toMatchObject({ "dev.slipway.kind": "job" });
    expect(spec.TaskTemplate).toMatchObject({
      RestartPolicy: { Condition: "none" },
      ContainerSpec: { Args: ["/bin/sh", "-c", "migrate up"], HealthCheck: undefined },
    });
    expect(spec.UpdateConfig).toBeUndefined();
  });
});
