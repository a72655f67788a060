import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import {
  claimsOf,
  type FakeBehaviour,
  type FakeCluster,
  type FakeObject,
  playJob,
  playRollout,
} from "./fake-controller.js";
import { FAKE_RESOURCES, type FakeResource, matchesSelector, parseFakePath } from "./fake-resources.js";

/** One request the fake answered (tests assert on the field manager and content type of applies). */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly fieldManager: string | null;
  readonly contentType: string | undefined;
}

const key = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ""}/${name}`;

/**
 * A FAKE Kubernetes API server on loopback, for tests only: no Kubernetes API server can run on this
 * machine. It serves discovery, server-side apply (PATCH `application/apply-patch+yaml`), get, list
 * (equality label selectors), delete and pod logs for the kinds slipway uses, stores what is applied,
 * and plays scripted status transitions (see fake-controller.ts). It does not model field ownership
 * (an apply replaces the object), admission, defaulting, scheduling, real pods, events or watches.
 */
export class FakeKubernetesApiServer implements FakeCluster {
  readonly requests: FakeRequest[] = [];
  private readonly store = new Map<string, FakeObject>();
  private readonly logLines = new Map<string, readonly string[]>();
  private readonly scripts = new Map<string, FakeBehaviour>();
  private readonly refusals = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private revision = 1;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeKubernetesApiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const fake = new FakeKubernetesApiServer(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    server.on("request", (req, res) => void fake.handle(req, res));
    return fake;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next rollout or run of `service`'s object of `kind` plays `behaviour` (once; then `complete` again). */
  script(kind: "Deployment" | "StatefulSet" | "Job", service: string, behaviour: FakeBehaviour): void {
    this.scripts.set(`${kind}/${service}`, behaviour);
  }

  /** The next apply of this object is refused (422), its message quoting the whole applied body. */
  refuseApply(kind: string, name: string): void {
    this.refusals.add(`${kind}/${name}`);
  }

  /** A kubeconfig with context `fake` (this server) and `unreachable` (a closed port), current `current`. */
  writeKubeconfig(path: string, current = "fake"): void {
    // Plain HTTP on loopback: the client allows it only for a cluster marked to skip TLS verification.
    const cluster = (name: string, server: string) => ({
      name,
      cluster: { server, "insecure-skip-tls-verify": true },
    });
    const context = (name: string) => ({ name, context: { cluster: name, user: "tester" } });
    writeFileSync(
      path,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [cluster("fake", this.url), cluster("unreachable", "http://127.0.0.1:9")],
        contexts: [context("fake"), context("unreachable")],
        users: [{ name: "tester", user: { token: "fake-token" } }],
        "current-context": current,
      }),
      { mode: 0o600 },
    );
  }

  objects(kind: string, namespace?: string): FakeObject[] {
    return [...this.store.values()].filter(
      (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
    );
  }

  put(object: FakeObject): void {
    this.store.set(key(object.kind, object.metadata.namespace, object.metadata.name), object);
  }

  remove(kind: string, namespace: string | undefined, name: string): void {
    this.store.delete(key(kind, namespace, name));
  }

  setLogs(namespace: string, pod: string, lines: readonly string[]): void {
    this.logLines.set(key("Pod", namespace, pod), lines);
  }

  later(ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, ms);
    this.timers.add(timer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      fieldManager: url.searchParams.get("fieldManager"),
      contentType: req.headers["content-type"],
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const send = (code: number, value: unknown, type = "application/json") => {
      res.writeHead(code, { "content-type": type });
      res.end(typeof value === "string" ? value : JSON.stringify(value));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
    if (url.pathname === "/version")
      return send(200, { major: "1", minor: "36", gitVersion: "v1.36.0-fake" });
    const path = parseFakePath(url.pathname);
    if (!path) return status(404, "NotFound", `the fake serves no ${url.pathname}`);
    if (path.type === "discovery") return send(200, discovery(path.apiVersion));
    const { resource, namespace, name } = path;
    if (path.type === "log") {
      const lines = this.logLines.get(key("Pod", namespace, name!));
      if (!lines) return status(404, "NotFound", `pods "${name}" not found`);
      const tail = Number(url.searchParams.get("tailLines") ?? lines.length);
      return send(200, `${lines.slice(-tail).join("\n")}\n`, "text/plain");
    }
    if (path.type === "collection" && req.method === "GET") {
      const items = this.objects(resource.kind, resource.namespaced ? namespace : undefined).filter((o) =>
        matchesSelector(o.metadata.labels, url.searchParams.get("labelSelector")),
      );
      return send(200, {
        apiVersion: resource.apiVersion,
        kind: `${resource.kind}List`,
        metadata: {},
        items,
      });
    }
    const stored = this.store.get(key(resource.kind, namespace, name!));
    if (req.method === "GET")
      return stored ? send(200, stored) : status(404, "NotFound", `${resource.name} "${name}" not found`);
    if (req.method === "DELETE") {
      if (!stored) return status(404, "NotFound", `${resource.name} "${name}" not found`);
      this.deleteWithDependents(stored);
      return send(200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name } });
    }
    if (req.method === "PATCH") {
      if (req.headers["content-type"] !== "application/apply-patch+yaml")
        return status(415, "UnsupportedMediaType", "the fake accepts only server-side apply patches");
      const manager = url.searchParams.get("fieldManager");
      if (!manager) return status(400, "BadRequest", "fieldManager is required for apply requests");
      if (this.refusals.delete(`${resource.kind}/${name}`))
        return status(422, "Invalid", `${resource.kind} "${name}" is invalid: ${body}`);
      return send(200, this.apply(resource, namespace, name!, JSON.parse(body) as FakeObject, manager));
    }
    return status(405, "MethodNotAllowed", `the fake does not serve ${req.method} here`);
  }

  private apply(
    resource: FakeResource,
    namespace: string | undefined,
    name: string,
    applied: FakeObject,
    manager: string,
  ): FakeObject {
    const stored = this.store.get(key(resource.kind, namespace, name));
    const changed = !stored || JSON.stringify(stored.spec) !== JSON.stringify(applied.spec);
    const generation = (stored?.metadata.generation ?? 0) + (changed ? 1 : 0);
    const object: FakeObject = {
      ...applied,
      metadata: {
        ...applied.metadata,
        namespace: resource.namespaced ? namespace : undefined,
        uid: stored?.metadata.uid ?? randomUUID(),
        generation,
        resourceVersion: String(++this.revision),
        creationTimestamp: stored?.metadata.creationTimestamp ?? new Date().toISOString(),
        managedFields: [{ manager, operation: "Apply", apiVersion: resource.apiVersion }],
      },
      ...(stored?.status ? { status: stored.status } : {}),
    };
    this.put(object);
    const service = object.metadata.labels?.["app.kubernetes.io/name"] ?? name;
    const script = () => {
      const behaviour = this.scripts.get(`${resource.kind}/${service}`) ?? "complete";
      this.scripts.delete(`${resource.kind}/${service}`);
      return behaviour;
    };
    if ((resource.kind === "Deployment" || resource.kind === "StatefulSet") && changed) {
      if (resource.kind === "StatefulSet")
        for (const claim of claimsOf(object))
          if (!this.store.has(key("PersistentVolumeClaim", namespace, claim.metadata.name))) this.put(claim);
      playRollout(this, object, script());
    }
    if (resource.kind === "Job" && !stored) playJob(this, object, script());
    return object;
  }

  /** Deletes an object and what its controller owned: a workload's pods, a Job's pods (never claims). */
  private deleteWithDependents(object: FakeObject): void {
    const { kind, metadata } = object;
    this.remove(kind, metadata.namespace, metadata.name);
    const selector: Record<string, string> =
      kind === "Job" ? { "job-name": metadata.name } : (object.spec?.selector?.matchLabels ?? {});
    if (!["Deployment", "StatefulSet", "Job"].includes(kind)) return;
    for (const pod of this.objects("Pod", metadata.namespace))
      if (Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v))
        this.remove("Pod", metadata.namespace, pod.metadata.name);
  }
}

function discovery(apiVersion: string): unknown {
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersion,
    resources: FAKE_RESOURCES.filter((r) => r.apiVersion === apiVersion).map((r) => ({
      name: r.name,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    })),
  };
}
