// biome-ignore-all lint/suspicious/noTemplateCurlyInString: secret references as releases store them
import { describe, expect, it } from "vitest";
import { answer } from "./http.js";
import { finished, freePort, PATIENT, sandboxPerTest, servicesIn } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** The build step stamps each artifact, so an answer tells which build served it. */
const BUILD = `x-slipway: { process: { build: "date +%s%N > BUILD_ID" } }`;

/** `back` (environment from app.env and `environment`) behind `front` (published). */
const compose = (port: number, backVersion = "b1") => `name: \${E2E_PROJECT}
services:
  back:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["4000"]
    env_file: [app.env]
    environment:
      APP_VERSION: ${backVersion}
    ${BUILD}
  front:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment:
      APP_VERSION: f1
      UPSTREAM: http://back:4000
    depends_on: [back]
    ${BUILD}
`;

describe.concurrent("a release is a value", PATIENT, () => {
  it("after a one-line environment change, plan shows only that service and deploy rebuilds nothing", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": compose(port), "app.env": "API_SECRET=first\n" });
    const first = await s.cli(["deploy", "--json"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(servicesIn(first.stdout, "building").sort()).toEqual(["back", "front"]);

    const before = await answer(port);
    s.write({ "compose.yaml": compose(port, "b2") });
    const plan = await s.cli(["plan"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /~ back {2}roll-out {2}strategy=rolling\n {6}because: environment changed\n {6}- start:/,
    );
    expect(plan.stdout).toMatch(
      /= front {2}skip {2}strategy=rolling {2}after back \(started\)\n {6}because: unchanged: skipped\n(level|$)/,
    );
    expect(plan.stdout).not.toContain("build:");
    const json = JSON.parse((await s.cli(["plan", "--json"])).stdout);
    const actions = json.levels.flat().map((p: { name: string; action: string }) => [p.name, p.action]);
    expect(actions).toEqual([
      ["back", "roll-out"],
      ["front", "skip"],
    ]);

    const second = await s.cli(["deploy", "--json"]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(servicesIn(second.stdout, "building")).toEqual([]);
    expect(servicesIn(second.stdout, "unchanged")).toEqual(["front"]);
    const after = await answer(port);
    expect(after.upstream?.version).toBe("b2");
    expect(after.upstream?.build).toBe(before.upstream?.build);
    // The plan it executed is the one `plan` printed.
    const executed = second.stdout.split("\n").find((line) => line.includes('"type":"plan"'));
    expect(JSON.parse(executed!).plan.levels).toEqual(json.levels);
    expect((await s.cli(["plan"])).stdout).toContain("same content as the active release r2");
  });

  it("editing an env_file changes nothing until the next deploy, and rollback brings the old values back", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": compose(port).replace("APP_VERSION: b1", "UNUSED: x"),
      "app.env": "APP_VERSION=e1\nAPI_SECRET=s3cret-value\n",
    });
    expect((await s.cli(["deploy"])).code).toBe(0);
    expect((await answer(port)).upstream?.version).toBe("e1");

    s.write({ "app.env": "APP_VERSION=e2\nAPI_SECRET=s3cret-value\n" });
    // A restart starts fresh processes of the same release: they get the release's values.
    const restart = await s.cli(["restart", "back"]);
    expect(restart.code, restart.stderr).toBe(0);
    expect((await answer(port)).upstream?.version).toBe("e1");
    const plan = await s.cli(["plan"]);
    expect(plan.stdout).toMatch(/~ back {2}roll-out .*\n {6}because: environment changed/);

    expect((await s.cli(["deploy"])).code).toBe(0);
    expect((await answer(port)).upstream?.version).toBe("e2");

    s.write({ "app.env": "APP_VERSION=e3\n" });
    const rollback = await s.cli(["rollback", "--json"]);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "building")).toEqual([]);
    expect((await answer(port)).upstream?.version).toBe("e1");

    // Each release shows its frozen values; a secret as the reference the release stores (same value, same version).
    const releases = JSON.parse((await s.cli(["releases", "--json"])).stdout) as {
      releases: { id: string; spec: { services: Record<string, { environment: Record<string, string> }> } }[];
    };
    const env = (id: string) => releases.releases.find((r) => r.id === id)!.spec.services.back!.environment;
    expect(env("r1")).toMatchObject({ APP_VERSION: "e1", API_SECRET: "${secret:env.back.API_SECRET@1}" });
    expect(env("r2")).toMatchObject({ APP_VERSION: "e2", API_SECRET: "${secret:env.back.API_SECRET@1}" });
    expect(JSON.stringify(releases)).not.toContain("s3cret-value");
  });
});
