import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../manifest/load.js";
import type { InstanceRequest } from "../target.js";
import { containerConfig, hostEntries } from "./container-config.js";
import { demuxLogs } from "./logs.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-docker-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An instance request of `service` as the real manifest loader makes it. */
function requestFor(
  service: Record<string, unknown>,
  kind: InstanceRequest["kind"] = "service",
): InstanceRequest {
  const file = join(dir, "compose.json");
  writeFileSync(
    file,
    JSON.stringify({ name: "shop", services: { api: { build: ".", ...service } }, volumes: { data: {} } }),
  );
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return {
    id: "shop.api.r3.1",
    project: "shop",
    service: "api",
    release: "r3",
    index: 1,
    kind,
    spec: spec.services.api!,
    artifact: { hash: "rev", buildHash: "build", appDir: dir },
    projectDirectory: dir,
    port: 41000,
  };
}

describe("containerConfig", () => {
  it("runs the instance on the host's network with slipway's env, Compose's labels and the spec's settings", () => {
    const config = containerConfig(
      requestFor({
        command: ["node", "server.mjs"],
        entrypoint: ["/usr/bin/env"],
        environment: { GREETING: "hi", UNSET: null },
        user: "1000:1000",
        working_dir: "/app",
        labels: { team: "payments" },
        stop_signal: "SIGINT",
        stop_grace_period: "2500ms",
        init: true,
        mem_limit: "64m",
        cpus: 0.5,
        ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 64 },
        healthcheck: { test: ["CMD", "true"], interval: "2s", retries: 4 },
      }),
      "shop-api:build",
      ["db:127.0.0.9"],
    );
    expect(config).toMatchObject({
      name: "shop.api.r3.1",
      Image: "shop-api:build",
      Cmd: ["node", "server.mjs"],
      Entrypoint: ["/usr/bin/env"],
      User: "1000:1000",
      WorkingDir: "/app",
      StopSignal: "SIGINT",
      StopTimeout: 3,
      Healthcheck: { Test: ["CMD", "true"], Interval: 2_000_000_000, Retries: 4 },
      Labels: {
        team: "payments",
        "com.docker.compose.project": "shop",
        "com.docker.compose.service": "api",
        "com.docker.compose.container-number": "2",
        "com.docker.compose.oneoff": "False",
        "dev.slipway.instance": "shop.api.r3.1",
        "dev.slipway.release": "r3",
      },
      HostConfig: {
        NetworkMode: "host",
        ExtraHosts: ["db:127.0.0.9"],
        RestartPolicy: { Name: "no" },
        Init: true,
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        Ulimits: [
          { Name: "nofile", Soft: 1024, Hard: 2048 },
          { Name: "nproc", Soft: 64, Hard: 64 },
        ],
      },
    });
    expect(config.Env).toEqual(
      expect.arrayContaining(["GREETING=hi", "PORT=41000", "HOST=127.0.0.1", "SLIPWAY_INSTANCE_INDEX=1"]),
    );
    expect(config.Env?.some((entry) => entry.startsWith("UNSET="))).toBe(false);
  });

  it("mounts named volumes as the project's labelled Docker volumes, binds and tmpfs as given", () => {
    const config = containerConfig(
      requestFor({
        volumes: ["data:/var/lib/data", `${dir}:/src:ro`, { type: "tmpfs", target: "/scratch" }],
      }),
      "img",
      [],
    );
    expect(config.HostConfig?.Mounts).toEqual([
      {
        Type: "volume",
        Source: "shop_data",
        Target: "/var/lib/data",
        ReadOnly: false,
        VolumeOptions: {
          NoCopy: false,
          Labels: {
            "com.docker.compose.project": "shop",
            "com.docker.compose.volume": "data",
            "dev.slipway.managed": "true",
          },
        },
      },
      { Type: "bind", Source: dir, Target: "/src", ReadOnly: true },
      {
        Type: "tmpfs",
        Target: "/scratch",
        ReadOnly: false,
        TmpfsOptions: { SizeBytes: undefined, Mode: undefined },
      },
    ]);
  });

  it("lets a job's command replace the service's own and marks it one-off", () => {
    const config = containerConfig(
      { ...requestFor({ command: ["serve"] }, "job"), command: ["migrate"] },
      "img",
      [],
    );
    expect(config.Cmd).toEqual(["migrate"]);
    expect(config.Labels?.["com.docker.compose.oneoff"]).toBe("True");
  });
});

describe("hostEntries", () => {
  it("maps the project's service names from its hosts file, then extra_hosts", () => {
    const hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n127.0.1.1\tvm\n127.8.0.2\tdb\n";
    expect(hostEntries(hosts, { "api.internal": "127.0.0.5,::1" })).toEqual([
      "vm:127.0.1.1",
      "db:127.8.0.2",
      "api.internal:127.0.0.5",
      "api.internal:::1",
    ]);
    expect(hostEntries(undefined, {})).toEqual([]);
  });
});

describe("demuxLogs", () => {
  const frame = (stream: number, text: string) => {
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(Buffer.byteLength(text), 4);
    return Buffer.concat([header, Buffer.from(text)]);
  };

  it("joins the frames of stdout and stderr in order", () => {
    expect(demuxLogs(Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "more\n")]))).toBe(
      "out\nerr\nmore\n",
    );
  });

  it("reads a TTY container's log as plain text", () => {
    expect(demuxLogs(Buffer.from("plain text output\n"))).toBe("plain text output\n");
  });
});
