import { renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, PATIENT, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();

const withOneShot = (port: number) => `name: \${E2E_PROJECT}
services:
  setup:
    build: ./app
    command: ["node", "-e", "console.log('migrated 3 tables')"]
  web:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    environment: { APP_VERSION: v1 }
    deploy: { replicas: 2 }
    depends_on:
      setup: { condition: service_completed_successfully }
`;

describe.concurrent("everyday commands", PATIENT, () => {
  it("shows a one-shot job's logs, prefixes lines with the instance, and refuses an unknown service", async () => {
    const s = sandbox({ "compose.yaml": withOneShot(await freePort()) });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);

    const job = await s.cli(["logs", "setup"]);
    expect(job.code, job.stderr).toBe(0);
    expect(job.stdout).toContain("setup-run | migrated 3 tables");

    const web = await s.cli(["logs", "web"]);
    expect(web.stdout).toMatch(/^web-1 \| web v1 listening on/m);
    expect(web.stdout).toMatch(/^web-2 \| web v1 listening on/m);

    const unknown = await s.cli(["logs", "nosuch"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr + unknown.stdout).toContain("E_SERVICE_NOT_FOUND");
    expect(unknown.stderr + unknown.stdout).toContain("setup, web");
  });

  it("runs ps, logs and releases without a Compose file, on the home's only project", async () => {
    const s = sandbox({ "compose.yaml": withOneShot(await freePort()) });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    renameSync(join(s.dir, "compose.yaml"), join(s.dir, "elsewhere.yaml"));

    const ps = await s.cli(["ps"]);
    expect(ps.code, ps.stdout + ps.stderr).toBe(0);
    expect(ps.stdout).toContain(`project ${s.project}, release r1`);
    const releases = await s.cli(["releases"]);
    expect(releases.stdout).toContain(`releases of ${s.project}`);
    const logs = await s.cli(["logs", "web"]);
    expect(logs.stdout).toContain("web v1 listening on");
  });
});
