/**
 * The kubernetes target end to end through bin/slipway, against a FAKE Kubernetes API server on
 * loopback (no API server can run on this machine): it stores what slipway applies and plays scripted
 * status transitions (a rollout that completes, one that stalls past its deadline, a failing Job).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { FakeKubernetesApiServer } from "../../src/targets/kubernetes/testing/fake-api-server.js";
import { project, REPO } from "./cli.js";

const COMPOSE = `
name: shop
x-slipway:
  target: kubernetes
  kubernetes:
    progress_deadline: 2s
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD:-not-a-real-password}
    volumes: [pgdata:/var/lib/postgresql/data]
  migrate:
    image: shop/api:\${VERSION:-1}
    command: ["node", "migrate.js"]
    depends_on:
      db: { condition: service_started }
  api:
    image: shop/api:\${VERSION:-1}
    command: ["node", "server.js"]
    expose: ["3000"]
    depends_on:
      migrate: { condition: service_completed_successfully }
    deploy:
      replicas: 2
    x-slipway:
      routes:
        - { domains: [shop.example.com], path: /, port: 3000 }
volumes:
  pgdata: {}
`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let fake: FakeKubernetesApiServer;
const app = project({ "compose.yaml": COMPOSE });
const kubeconfig = join(app.dir, "kubeconfig");

/** bin/slipway, run without blocking this process (the fake answers from this event loop). */
function slipway(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, "bin/slipway"), ...args], {
      cwd: app.dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: app.dir,
        KUBECONFIG: kubeconfig,
        SLIPWAY_HOME: join(app.dir, "home"),
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const apiImage = () =>
  fake.objects("Deployment", "shop").find((d) => d.metadata.name === "api")?.spec.template.spec.containers[0]
    .image;

beforeAll(async () => {
  fake = await FakeKubernetesApiServer.start();
  fake.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await fake?.stop();
  app.cleanup();
});

describe("the kubernetes target against a FAKE API server", { timeout: 120_000 }, () => {
  it("refuses an unreachable cluster before changing anything", async () => {
    const run = await slipway(["deploy", "--context", "unreachable"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_K8S_UNREACHABLE");
    expect(fake.requests.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("says so when there is no kubeconfig at all", async () => {
    const run = await slipway(["ps"], { KUBECONFIG: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_K8S_NO_CONFIG no kubeconfig");
  });

  it("names the contexts when the one asked for is not in the kubeconfig, and has no release to roll back to", async () => {
    const run = await slipway(["deploy", "--context", "prod"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('E_K8S_NO_CONFIG the kubeconfig has no context "prod"');
    expect(run.stderr).toContain("contexts: fake, unreachable");
    const rollback = await slipway(["rollback"]);
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toContain("E_K8S_NO_RELEASE");
  });

  it("deploys: applies every object server-side as `slipway`, runs the migration, watches the rollouts", async () => {
    const run = await slipway(["deploy"]);
    expect(run.stderr).not.toContain("E_");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/migrate\s+completed/);
    expect(run.stdout).toMatch(/api\s+healthy/);
    expect(run.stdout).toMatch(/release \w{12} is live/);
    const applies = fake.requests.filter((r) => r.method === "PATCH");
    expect(applies.length).toBeGreaterThan(8);
    for (const apply of applies) {
      expect(apply.fieldManager).toBe("slipway");
      expect(apply.contentType).toBe("application/apply-patch+yaml");
    }
    expect(apiImage()).toBe("shop/api:1");
    expect(fake.objects("Job", "shop")).toHaveLength(1);
    // In start order: the database the migration needs, then the migration, then the API.
    const at = (resource: string) => applies.findIndex((r) => r.path.includes(`/${resource}`));
    expect(at("statefulsets/db")).toBeLessThan(at("jobs/migrate-"));
    expect(at("jobs/migrate-")).toBeLessThan(at("deployments/api"));
    expect(fake.objects("Ingress", "shop")[0]?.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe(
      "letsencrypt",
    );
    // The password is referenced from a Secret, never applied as a value.
    expect(JSON.stringify(fake.objects("StatefulSet", "shop"))).not.toContain("not-a-real-password");
  });

  it("ps lists pods per service and logs reads them", async () => {
    const ps = await slipway(["ps", "--json"]);
    expect(ps.code).toBe(0);
    const { pods, release } = JSON.parse(ps.stdout) as {
      pods: { service: string; state: string }[];
      release: string;
    };
    expect(release).toMatch(/^\w{12}$/);
    expect(pods.filter((p) => p.service === "api").map((p) => p.state)).toEqual(["Running", "Running"]);
    const logs = await slipway(["logs", "api", "-n", "1"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/api-\w+-0 \| api 0: ready/);
  });

  it("deploys a new release, then rolls back to the previous one", async () => {
    expect((await slipway(["deploy"], { VERSION: "2" })).code).toBe(0);
    expect(apiImage()).toBe("shop/api:2");
    expect(fake.objects("Job", "shop")).toHaveLength(2);
    const rollback = await slipway(["rollback"]);
    expect(rollback.code).toBe(0);
    expect(apiImage()).toBe("shop/api:1");
    // A rollback re-applies objects; migrations do not run again.
    expect(fake.objects("Job", "shop")).toHaveLength(2);
    // Deploying the live release again converges to it without running its migration twice.
    const seen = fake.requests.length;
    expect((await slipway(["deploy"])).code).toBe(0);
    const again = fake.requests.slice(seen).filter((r) => r.method === "PATCH");
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((r) => r.path.includes("/jobs/"))).toEqual([]);
  });

  it("a rollout that stalls past its deadline is rolled back and reported with the pod's reason and logs", async () => {
    fake.script("Deployment", "api", "stall");
    const run = await slipway(["deploy"], { VERSION: "3" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_K8S_ROLLOUT_FAILED");
    expect(run.stderr).toContain("CrashLoopBackOff");
    expect(run.stderr).toContain("ECONNREFUSED");
    expect(run.stdout).toMatch(/api\s+rolled-back/);
    expect(apiImage()).toBe("shop/api:1");
  });

  it("a failing migration stops the deploy before any Deployment changes", async () => {
    fake.script("Job", "migrate", "fail");
    const run = await slipway(["deploy"], { VERSION: "4" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_K8S_MIGRATION_FAILED");
    expect(run.stderr).toContain('relation "players" already exists');
    expect(apiImage()).toBe("shop/api:1");
  });

  it("releases lists the history the cluster keeps", async () => {
    const run = await slipway(["releases", "--json"]);
    expect(run.code).toBe(0);
    const { releases } = JSON.parse(run.stdout) as { releases: { id: string; status: string }[] };
    expect(releases.map((r) => r.status)).toEqual(["failed", "failed", "superseded", "deployed"]);
  });

  it("writes Secrets only when asked, and never records their values in the cluster's history", async () => {
    const run = await slipway(["deploy", "--include-secret-values"], { DB_PASSWORD: "s3cret-value" });
    expect(run.code).toBe(0);
    const secret = fake.objects("Secret", "shop").find((o) => o.metadata.name === "db-env");
    expect(secret?.stringData).toEqual({ POSTGRES_PASSWORD: "s3cret-value" });
    const records = fake
      .objects("ConfigMap", "shop")
      .filter((o) => o.metadata.name.startsWith("slipway-release-"));
    expect(records.length).toBe(5);
    expect(JSON.stringify(records)).not.toContain("s3cret-value");
    expect(run.stdout + run.stderr).not.toContain("s3cret-value");
    // A later deploy that references the Secret keeps it.
    expect((await slipway(["deploy"])).code).toBe(0);
    expect(fake.objects("Secret", "shop").map((o) => o.metadata.name)).toEqual(["db-env"]);
  });

  it("a failed first deploy removes its own objects and nothing of another project", async () => {
    fake.script("Deployment", "api", "stall");
    const before = fake.objects("Deployment", "shop").length;
    const run = await slipway(["deploy", "-p", "fresh"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("E_K8S_ROLLOUT_FAILED");
    expect(fake.objects("Deployment", "fresh")).toEqual([]);
    expect(fake.objects("StatefulSet", "fresh")).toEqual([]);
    expect(fake.objects("Service", "fresh")).toEqual([]);
    expect(fake.objects("Job", "fresh")).toHaveLength(1); // kept for its logs
    expect(fake.objects("Deployment", "shop")).toHaveLength(before);
  });

  it("down deletes what the project owns but keeps its volume claims unless asked", async () => {
    const down = await slipway(["down"]);
    expect(down.code).toBe(0);
    expect(fake.objects("Deployment", "shop")).toEqual([]);
    expect(fake.objects("StatefulSet", "shop")).toEqual([]);
    expect(fake.objects("Secret", "shop")).toEqual([]);
    expect(fake.objects("PersistentVolumeClaim", "shop").map((c) => c.metadata.name)).toEqual([
      "pgdata-db-0",
    ]);
    expect((await slipway(["down", "--volumes"])).code).toBe(0);
    expect(fake.objects("PersistentVolumeClaim", "shop")).toEqual([]);
  });
});

describe("slipway render --target kubernetes", { timeout: 60_000 }, () => {
  it("prints kubectl-appliable YAML without secret values, and with them only when asked", async () => {
    const run = await slipway(["render"], { DB_PASSWORD: "s3cret-value" });
    expect(run.code).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds[0]).toBe("Namespace");
    expect(kinds).toEqual(
      expect.arrayContaining([
        "StatefulSet",
        "Deployment",
        "Job",
        "Service",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
      ]),
    );
    expect(run.stdout).not.toContain("s3cret-value");
    expect(run.stderr).toContain('the Secret "db-env"');
    const withValues = await slipway(["render", "--include-secret-values"], { DB_PASSWORD: "s3cret-value" });
    expect(withValues.stdout).toContain("s3cret-value");
  });

  it("-o DIR writes one file per object, numbered in apply order", async () => {
    const out = join(app.dir, "manifests");
    const run = await slipway(["render", "-o", out]);
    expect(run.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files[0]).toBe("000-namespace-shop.yaml");
    expect(files).toContain("007-statefulset-db.yaml");
    expect(readFileSync(join(out, files.find((f) => f.includes("deployment-api"))!), "utf8")).toContain(
      "kind: Deployment",
    );
  });

  it("refuses another target with a coded error", async () => {
    const run = await slipway(["render", "--target", "swarm"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("E_K8S_NOT_KUBERNETES");
  });
});
