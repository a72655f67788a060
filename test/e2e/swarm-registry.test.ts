import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { imageRepository } from "../../src/targets/docker/image.js";
import { registryMissing, startRegistry, type TestRegistry } from "../docker/registry.js";
import { sharedSwarm } from "../docker/swarm.js";
import { answer } from "./http.js";
import { finished, freePort, PATIENT, sandboxPerTest, servicesIn } from "./sandbox.js";
import { SWARM_HEALTHY, swarmProjects } from "./swarm-support.js";

const swarm = await sharedSwarm();
if (swarm.available) process.env.DOCKER_HOST = swarm.host;
const missing = registryMissing();
if (missing && process.env.CI === "true") throw new Error(missing);

const DOCKERFILE = `FROM slipway-local/node:20\nARG APP_BUILD\nLABEL dev.slipway.test.build=$APP_BUILD\nCOPY server.mjs /app/server.mjs\nWORKDIR /app\nCMD ["node", "server.mjs"]\n`;
const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

/** `web` ×2 on Swarm (each version its own image), its release images pushed to `registry` (`x-slipway.registry`). */
const compose = (port: number, version: string, registry: string) => `name: \${E2E_PROJECT}
services:
  web:
    build:
      context: ./app
      args: { APP_BUILD: ${version} }
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: ${version}
    healthcheck:
      test: ${SWARM_HEALTHY}
      interval: 2s
      timeout: 10s
      retries: 2
    deploy:
      replicas: 2
x-slipway:
  target: swarm
  registry: ${registry}
`;

/** Every file under `dir` (the agent's home: state.db and its WAL, logs, releases). */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });

describe.skipIf(!swarm.available || missing !== undefined)("swarm with x-slipway.registry", PATIENT, () => {
  const sandbox = sandboxPerTest();
  const registries: TestRegistry[] = [];
  const env: Record<string, string> = swarm.available ? { DOCKER_HOST: swarm.host } : {};
  const docker = () => connectEngine();
  const make = swarmProjects(sandbox, DOCKERFILE, []);
  const webImage = async (project: string) => {
    const [service] = await docker().listServices({ filters: { name: [`${project}_web`] } });
    return (service?.Spec?.TaskTemplate as { ContainerSpec?: { Image?: string } } | undefined)?.ContainerSpec
      ?.Image;
  };
  afterAll(async () => {
    await Promise.all(registries.map((registry) => registry.stop()));
  }, 120_000);

  it("pushes each release's image before the update, runs it by digest, and rolls back by digest without rebuild or re-push", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const port = await freePort();
    const address = `${registry.host}/e2e`;
    const s = make({ "compose.yaml": compose(port, "v1", address) });
    const plan = await s.cli(["plan"], env);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`push: push the image to ${address}`);

    const first = await s.cli(["deploy", "--json"], env, 240_000);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(servicesIn(first.stdout, "pushing")).toContain("web");
    const repository = `e2e/${imageRepository(s.project, "web")}`;
    const catalog = JSON.parse((await registry.get("/v2/_catalog")).body) as { repositories: string[] };
    expect(catalog.repositories).toContain(repository);
    const manifest = async (tag: string) =>
      (await registry.get(`/v2/${repository}/manifests/${tag}`, { accept: MANIFEST_V2 })).headers[
        "docker-content-digest"
      ];
    const r1 = await manifest("r1");
    expect(r1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await webImage(s.project)).toBe(`${registry.host}/${repository}@${r1}`);
    const ps = await s.ps();
    const running = (ps.tasks ?? []).filter((t) => t.service === "web" && t.state === "running");
    expect(running).toHaveLength(2);
    expect((await answer(port)).version).toBe("v1");

    s.write({ "compose.yaml": compose(port, "v2", address) });
    const second = await s.cli(["deploy", "--json"], env, 240_000);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const tags = JSON.parse((await registry.get(`/v2/${repository}/tags/list`)).body) as { tags: string[] };
    expect(tags.tags.sort()).toEqual(["r1", "r2"]);
    const r2 = await manifest("r2");
    expect(r2).not.toBe(r1);
    expect(await webImage(s.project)).toBe(`${registry.host}/${repository}@${r2}`);
    expect((await answer(port)).version).toBe("v2");

    const rollback = await s.cli(["rollback", "--json"], env, 240_000);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "building")).toEqual([]);
    const pushes = rollback.stdout
      .split("\n")
      .filter((line) => line.includes('"phase":"pushing"'))
      .map((line) => (JSON.parse(line) as { detail: string }).detail);
    expect(pushes.length).toBeGreaterThan(0);
    expect(
      pushes.every((detail) => detail.includes("in the registry already")),
      pushes.join("\n"),
    ).toBe(true);
    expect(await webImage(s.project)).toBe(`${registry.host}/${repository}@${r1}`);
    expect((await answer(port)).version).toBe("v1");
  });

  it("pushes with the login from DOCKER_CONFIG, refuses without one (E_SWARM_REGISTRY_AUTH) or with no registry there (E_SWARM_PUSH), nothing changed, and never shows the password", async () => {
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const registry = await startRegistry({ user: "deployer", password });
    registries.push(registry);
    const config = mkdtempSync(join(tmpdir(), "slipway-docker-config-"));
    try {
      writeFileSync(join(config, "config.json"), "{}\n");
      const port = await freePort();
      const address = `${registry.host}/private`;
      const s = make({ "compose.yaml": compose(port, "v1", address) });
      const withConfig = { ...env, DOCKER_CONFIG: config };
      // A registry that does not answer: E_SWARM_PUSH with the engine's reason, nothing created.
      s.write({ "compose.yaml": compose(port, "v1", `127.0.0.1:${await freePort()}/nowhere`) });
      const unreachable = await s.cli(["deploy", "--json"], withConfig, 240_000);
      expect(unreachable.code, unreachable.stdout + unreachable.stderr).toBe(1);
      expect(finished(unreachable.stdout).error).toMatchObject({ code: "E_SWARM_PUSH" });
      expect(await webImage(s.project)).toBeUndefined();
      s.write({ "compose.yaml": compose(port, "v1", address) });
      const refused = await s.cli(["deploy", "--json"], withConfig, 240_000);
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      expect(finished(refused.stdout).error).toMatchObject({ code: "E_SWARM_REGISTRY_AUTH" });
      expect(finished(refused.stdout).error?.message).toContain(registry.host);
      expect(await webImage(s.project)).toBeUndefined();

      const auth = Buffer.from(`deployer:${password}`).toString("base64");
      writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [registry.host]: { auth } } }));
      const deployed = await s.cli(["deploy", "--json"], withConfig, 240_000);
      expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
      expect(await webImage(s.project)).toMatch(
        new RegExp(`^${registry.host}/private/.+@sha256:[0-9a-f]{64}$`),
      );
      expect((await answer(port)).version).toBe("v1");
      const audit = await s.cli(["audit", "--json"], withConfig);
      const releases = await s.cli(["releases", "--json"], withConfig);
      const shown = [refused, deployed, audit, releases].map((r) => r.stdout + r.stderr).join("\n");
      for (const secret of [password, auth]) {
        expect(shown).not.toContain(secret);
        for (const file of filesUnder(s.home)) expect(readFileSync(file).includes(secret), file).toBe(false);
      }
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});
