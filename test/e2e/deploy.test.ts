import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answer, load } from "./http.js";
import {
  eventually,
  finished,
  freePort,
  PATIENT,
  type Sandbox,
  sandboxPerTest,
  servicesIn,
  webCompose,
} from "./sandbox.js";

const sandbox = sandboxPerTest();

/** The build step stamps each artifact, so an answer tells which build served it. */
const BUILD = `x-slipway: { process: { build: "date +%s%N > BUILD_ID" } }`;

/** `front` (published) answers with what `back` answers, reached by its Compose name and port. */
const frontAndBack = (port: number) => `name: \${E2E_PROJECT}
services:
  back:
    build: ./app
    command: ["node", "server.mjs"]
    expose: ["4000"]
    environment:
      APP_VERSION: \${BACK_VERSION:-b1}
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

/** `<service>/<hash>` of every built artifact. */
const artifactDirs = (s: Sandbox) => {
  const root = join(s.home, "artifacts", s.project);
  return readdirSync(root)
    .flatMap((service) => readdirSync(join(root, service)).map((hash) => `${service}/${hash}`))
    .sort();
};

describe.concurrent("slipway deploy", PATIENT, () => {
  it("deploys from scratch, redeploys only what changed, and rolls back without rebuilding", async () => {
    const port = await freePort();
    const s = sandbox({ "compose.yaml": frontAndBack(port), "v2.env": "BACK_VERSION=b2\n" });

    const first = await s.cli(["deploy", "--json"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(finished(first.stdout).status).toBe("succeeded");
    expect(servicesIn(first.stdout, "building").sort()).toEqual(["back", "front"]);
    const ps = await s.ps();
    expect(ps.instances.map((i) => [i.service, i.state])).toEqual([
      ["back", "healthy"],
      ["front", "healthy"],
    ]);
    expect(s.servicePids()).toEqual(ps.instances.map((i) => i.pid).sort((a, b) => a - b));
    const v1 = await answer(port);
    expect(v1).toMatchObject({
      service: "front",
      version: "f1",
      upstream: { service: "back", version: "b1" },
    });

    const second = await s.cli(["deploy", "--json", "--env-file", "v2.env"]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(servicesIn(second.stdout, "unchanged")).toEqual(["front"]);
    // Only an environment value changed: the artifact is reused, nothing is rebuilt.
    expect(servicesIn(second.stdout, "building")).toEqual([]);
    const v2 = await answer(port);
    expect(v2.upstream?.version).toBe("b2");
    expect(v2.pid).toBe(v1.pid);
    expect((await s.releases()).releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "active"],
      ["r1", "superseded"],
    ]);

    const built = artifactDirs(s);
    const rollback = await s.cli(["rollback", "--json"]);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "building")).toEqual([]);
    expect(servicesIn(rollback.stdout, "unchanged")).toEqual(["front"]);
    expect(artifactDirs(s)).toEqual(built);
    // The first build answers again: the same BUILD_ID its build step stamped.
    const back = await answer(port);
    expect(back.upstream).toMatchObject({ version: "b1", build: v1.upstream?.build });
    expect(back.pid).toBe(v1.pid);
    const releases = await s.releases();
    expect(releases.releases.map((r) => [r.id, r.status])).toEqual([
      ["r2", "superseded"],
      ["r1", "active"],
    ]);
    expect(releases.deploys[0]).toMatchObject({
      kind: "rollback",
      releaseId: "r1",
      fromReleaseId: "r2",
      status: "succeeded",
    });
    // r2 was rolled back from: a second rollback does not return to it, and r1 has nothing before it.
    const again = await s.cli(["rollback"]);
    expect(again.code).not.toBe(0);
    expect(again.stdout + again.stderr).toContain("E_ROLLBACK_NO_RELEASE");
  });

  it("fails no request while a 2-replica service rolls to a new version", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": webCompose(
        port,
        { APP_VERSION: `\${WEB_VERSION:-v1}` },
        "    deploy: { replicas: 2 }\n",
      ),
    });
    const first = await s.cli(["deploy"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v1");

    const deploy = s.start(["deploy", "--json"], { WEB_VERSION: "v2" });
    let deployed = false;
    void deploy.done.then(() => {
      deployed = true;
    });
    const report = await load(port, () => deployed, { maxRequests: 4000, maxMs: 45_000 });
    const result = await deploy.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.versions.v1).toBeGreaterThan(0);
    expect(report.sent).toBeGreaterThan(20);
    expect((await answer(port)).version).toBe("v2");
    const ps = await s.ps();
    expect(ps.instances.map((i) => [i.release, i.state])).toEqual([
      ["r2", "healthy"],
      ["r2", "healthy"],
    ]);
    expect(s.servicePids()).toEqual(ps.instances.map((i) => i.pid).sort((a, b) => a - b));
  });

  it("replaces a dead instance when the same release is deployed again", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": webCompose(port, { APP_VERSION: "v1" }, '    restart: "no"\n'),
    });
    expect((await s.cli(["deploy"])).code).toBe(0);
    const [dead] = (await s.ps()).instances;
    process.kill(dead!.pid, "SIGKILL");
    await eventually(
      "the instance to be seen exited",
      async () => (await s.ps()).instances[0]?.state === "exited",
      30_000,
      1000,
    );

    const again = await s.cli(["deploy", "--json"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(finished(again.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    const [replaced] = (await s.ps()).instances;
    expect(replaced).toMatchObject({ id: dead!.id, state: "healthy" });
    expect(replaced!.pid).not.toBe(dead!.pid);
    expect(s.servicePids()).toEqual([replaced!.pid]);
    expect(await answer(port)).toMatchObject({ version: "v1", pid: replaced!.pid });
  });

  it("blue-green keeps the old colour warm: a rollback only switches back, and keep_old ends it", async () => {
    const port = await freePort();
    const compose = (keepOld: string) =>
      webCompose(
        port,
        { APP_VERSION: `\${WEB_VERSION:-v1}` },
        `    deploy: { replicas: 2 }
    x-slipway:
      strategy: blue-green
      blue_green: { keep_old: ${keepOld} }
`,
      );
    const s = sandbox({ "compose.yaml": compose("5m"), "short.yaml": compose("2s") });
    expect((await s.cli(["deploy"])).code).toBe(0);
    const blue = (await s.ps()).instances.map((i) => i.pid).sort();

    const green = await s.cli(["deploy", "--json"], { WEB_VERSION: "v2" });
    expect(green.code, green.stdout + green.stderr).toBe(0);
    expect((await answer(port)).version).toBe("v2");
    const afterSwitch = (await s.ps()).instances;
    expect(afterSwitch.map((i) => [i.release, i.state]).sort()).toEqual([
      ["r1", "standby"],
      ["r1", "standby"],
      ["r2", "healthy"],
      ["r2", "healthy"],
    ]);
    expect(
      afterSwitch
        .filter((i) => i.release === "r1")
        .map((i) => i.pid)
        .sort(),
    ).toEqual(blue);

    // Within keep_old the rollback starts nothing: the warm blue instances take the traffic back.
    const rollback = await s.cli(["rollback", "--json"]);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(finished(rollback.stdout)).toMatchObject({ status: "succeeded", release: "r1" });
    expect(servicesIn(rollback.stdout, "starting")).toEqual([]);
    const back = await answer(port);
    expect(back.version).toBe("v1");
    expect(blue).toContain(back.pid);
    const afterRollback = (await s.ps()).instances;
    expect(
      afterRollback
        .filter((i) => i.state === "healthy")
        .map((i) => i.pid)
        .sort(),
    ).toEqual(blue);
    expect(afterRollback.filter((i) => i.state === "standby").map((i) => i.release)).toEqual(["r2", "r2"]);

    // A short keep_old: the old colour stops by itself once the window ends.
    const third = await s.cli(["deploy", "-f", "short.yaml", "--json"], { WEB_VERSION: "v3" });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    await eventually(
      "the previous colours to stop after keep_old",
      async () => (await s.ps()).instances.every((i) => i.state === "healthy" && i.release === "r3"),
      30_000,
      500,
    );
    expect((await answer(port)).version).toBe("v3");
    const live = (await s.ps()).instances.map((i) => i.pid).sort((a, b) => a - b);
    await eventually(
      "only the live colour's processes to remain",
      () => s.servicePids().join() === live.join(),
    );
  });
});
