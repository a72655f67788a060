import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../../manifest/load.js";
import { validateObjects } from "../validate.js";
import type { KubeObject } from "./model.js";
import { renderKubernetes } from "./render.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-k8s-render-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMPOSE = `
name: shop_app
x-slipway:
  target: kubernetes
  kubernetes:
    namespace: shop-prod
    registry: registry.example.com/team/
    ingress_class: nginx
    cluster_issuer: prod-issuer
    storage_class: fast
    volume_size: 20Gi
    progress_deadline: 90s
services:
  web:
    build: ./web
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    tmpfs: [/tmp]
    entrypoint: ["/entry.sh"]
    ports: ["8080:80"]
    networks: [front]
    secrets: [api_key]
    configs: [{ source: site, target: /etc/site.json }]
    environment:
      API_KEY_FILE: /run/secrets/api_key
      STRIPE_SECRET: \${secret:stripe}
    deploy:
      replicas: 3
      update_config: { order: stop-first, parallelism: 2 }
      resources:
        limits: { cpus: "0.5", memory: 300m }
        reservations: { cpus: "0.25", memory: 128m }
    x-slipway:
      autoscale: { min: 3, max: 10, cpu: 70 }
      migrate: { command: ["./manage", "migrate"] }
      routes:
        - { domains: [shop.example.com, www.shop.example.com], path: /, port: 80 }
        - { domains: [admin.example.com], path: /admin, port: 80, tls: files }
  worker:
    image: example/worker:1
    networks: [back]
    x-slipway:
      strategy: recreate
  cache:
    image: redis:7
    networks: [front, back]
    expose: ["6379"]
secrets:
  api_key:
    environment: SHOP_API_KEY
configs:
  site:
    content: '{"theme":"dark"}'
networks:
  front: {}
  back: {}
`;

function render(includeSecretValues = false) {
  writeFileSync(join(dir, "compose.yaml"), COMPOSE);
  const result = loadManifest({ files: [join(dir, "compose.yaml")], envFiles: [], profiles: [] });
  expect(result.problems.filter((p) => p.severity !== "warning")).toEqual([]);
  process.env.SHOP_API_KEY = "sk-live-123";
  try {
    return renderKubernetes(result.spec!, { includeSecretValues });
  } finally {
    delete process.env.SHOP_API_KEY;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are read as loose JSON in assertions
type Loose = Record<string, any>;
const find = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Loose;

describe("what each Compose setting becomes on Kubernetes", () => {
  it("every object matches the schema", async () => {
    await validateObjects(render().objects);
    await validateObjects(render(true).objects);
  });

  it("maps the container: image, entrypoint, security, resources, mounts", () => {
    const { objects, release } = render();
    const web = find(objects, "Deployment", "web");
    expect(web.metadata.namespace).toBe("shop-prod");
    expect(web.spec.replicas).toBeUndefined(); // the autoscaler owns it
    expect(web.spec.progressDeadlineSeconds).toBe(90);
    expect(web.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 0, maxUnavailable: 2 },
    });
    const pod = web.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toBe(`registry.example.com/team/shop_app-web:${release.buildHashes.web}`);
    expect(container.command).toEqual(["/entry.sh"]);
    expect(container.securityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.resources).toEqual({
      limits: { cpu: "500m", memory: "300Mi" },
      requests: { cpu: "250m", memory: "128Mi" },
    });
    expect(container.env).toContainEqual({ name: "API_KEY_FILE", value: "/run/secrets/api_key" });
    expect(container.env).toContainEqual({
      name: "STRIPE_SECRET",
      valueFrom: { secretKeyRef: { name: "web-env", key: "STRIPE_SECRET" } },
    });
    expect(container.volumeMounts).toContainEqual({
      name: "secret-0",
      mountPath: "/run/secrets/api_key",
      subPath: "api_key",
      readOnly: true,
    });
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: "/etc/site.json", subPath: "site" }),
    );
    expect(container.volumeMounts).toContainEqual({ name: "tmpfs-0", mountPath: "/tmp" });
    expect(find(objects, "Deployment", "worker").spec.strategy).toEqual({ type: "Recreate" });
  });

  it("adds an autoscaler, a disruption budget, a migration Job and an Ingress with cert-manager", () => {
    const { objects, release } = render();
    expect(find(objects, "HorizontalPodAutoscaler", "web").spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "web" },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ resource: { name: "cpu", target: { averageUtilization: 70 } } }],
    });
    expect(find(objects, "PodDisruptionBudget", "web").spec.maxUnavailable).toBe(1);
    const job = find(objects, "Job", `web-migrate-${release.id}`);
    expect(job.spec.template.spec.containers[0].command).toEqual(["./manage", "migrate"]);
    expect(job.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
    const ingress = find(objects, "Ingress", "web");
    expect(ingress.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "prod-issuer" });
    expect(ingress.spec.ingressClassName).toBe("nginx");
    expect(ingress.spec.tls).toEqual([
      { hosts: ["shop.example.com", "www.shop.example.com", "admin.example.com"], secretName: "web-tls" },
    ]);
    expect(ingress.spec.rules.map((r: Loose) => r.host)).toEqual([
      "shop.example.com",
      "www.shop.example.com",
      "admin.example.com",
    ]);
  });

  it("lets a service be reached only from services on a shared network (and routed ports from the ingress)", () => {
    const { objects } = render();
    const policy = find(objects, "NetworkPolicy", "worker");
    expect(policy.spec.podSelector.matchLabels["app.kubernetes.io/name"]).toBe("worker");
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: { "app.kubernetes.io/instance": "shop-app", "network.slipway.dev/back": "true" },
            },
          },
        ],
      },
    ]);
    const web = find(objects, "NetworkPolicy", "web");
    expect(web.spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: {} }],
      ports: [{ protocol: "TCP", port: 80 }],
    });
    const cachePod = find(objects, "Deployment", "cache").spec.template.metadata.labels;
    expect(cachePod["network.slipway.dev/front"]).toBe("true");
    expect(cachePod["network.slipway.dev/back"]).toBe("true");
  });

  it("references Secrets by default and writes their values only when asked; ConfigMaps by content", () => {
    const without = render();
    expect(without.objects.filter((o) => o.kind === "Secret")).toEqual([]);
    expect(JSON.stringify(without.objects)).not.toContain("sk-live-123");
    expect(without.warnings.join("\n")).toContain(
      'the Secret "api-key" (key api_key) must exist in namespace shop-prod',
    );
    const config = without.objects.find((o) => o.kind === "ConfigMap")!;
    expect(config.metadata.name).toMatch(/^site-[0-9a-f]{8}$/);
    expect(config.data).toEqual({ site: '{"theme":"dark"}' });
    const withValues = render(true);
    expect(find(withValues.objects, "Secret", "api-key").stringData).toEqual({ api_key: "sk-live-123" });
  });

  it("says what did not map", () => {
    const { warnings } = render();
    expect(warnings).toContainEqual(expect.stringContaining("web: published host ports are not mapped"));
    expect(warnings).toContainEqual(
      expect.stringContaining("TLS files expects the certificate in the Secret web-tls"),
    );
  });
});
