import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DeployRuntime } from "../deploy/runtime.js";
import { AlertEngine } from "../observe/alerts/engine.js";
import type { AlertSource } from "../observe/alerts/facts.js";
import { metricsAddress, Observer } from "../observe/observer.js";
import { certificateFacts, parseCertificate } from "../router/tls/inspect.js";
import { CertificateStore } from "../router/tls/store.js";
import { LATENCY_BUCKETS_MS } from "../router/version-stats.js";
import { secretStoreIn } from "../secrets/store.js";
import type { AgentBackups } from "./backups/backups.js";
import type { ProjectSpecs } from "./project-specs.js";

/** The agent's metrics endpoint and alerts; `sync` follows the projects' manifests (address, channels). */
export interface AgentObserver {
  readonly alerts: AlertEngine;
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** The agent's observer, reading its state, release specs, backup stores, certificates and disks. */
export function agentObserver(
  rt: DeployRuntime,
  specs: ProjectSpecs,
  backups: () => Promise<AgentBackups>,
): AgentObserver {
  const source = sourceOf(rt, specs, backups);
  const observer = new Observer(source, (error) => {
    // The endpoint's address comes from the manifests; its failure is the agent's, told to every project.
    for (const project of specs.projects())
      rt.store.addEvent({ project, kind: "observe.error", level: "error", message: error.message });
  });
  const secrets = secretStoreIn(rt.paths.home);
  const alerts = new AlertEngine({
    source,
    ledgerFile: join(rt.paths.home, "alerts.json"),
    // `*_secret` channel credentials: the project's secret, latest version, read at each send.
    secret: (project, name) => secrets.get(project, name),
  });
  let started = false;
  return {
    alerts,
    sync: () => {
      if (!started) alerts.start();
      started = true;
      const manifests = specs.projects().map((project) => specs.spec(project));
      return observer.serveAt(metricsAddress(manifests.filter((spec) => spec !== undefined)));
    },
    stop: async () => {
      await alerts.stop();
      await observer.stop();
    },
  };
}

function sourceOf(rt: DeployRuntime, specs: ProjectSpecs, backups: () => Promise<AgentBackups>): AlertSource {
  const certificates = new CertificateStore(rt.paths.tlsDir);
  const activeSpec = (project: string) => {
    const active = rt.store.activeRelease(project);
    return active && !specs.isDown(project) ? specs.release(project, active.id)?.spec : undefined;
  };
  return {
    store: rt.store,
    projects: () => specs.projects(),
    activeSpec,
    cronOf: (project, service) => activeSpec(project)?.services[service]?.["x-slipway"].schedule?.cron,
    backups: async (project) => {
      const spec = specs.spec(project);
      // A project without backups never loads the backup code (it is loaded on first use).
      if (!spec || !Object.values(spec.services).some((s) => s["x-slipway"].backups)) return [];
      const listing = await (await backups()).list(project).catch(() => undefined);
      return (listing?.backups ?? []).map((b) => ({
        service: b.service,
        createdAt: Date.parse(b.createdAt),
        size: b.size,
        verified: b.verified,
        verifiedAt: b.verifiedAt === null ? null : Date.parse(b.verifiedAt),
      }));
    },
    certificates: async () => {
      const stored = await certificates.list().catch(() => []);
      const out = [];
      for (const c of stored) {
        const pem = await readFile(c.certFile).catch(() => undefined);
        if (!pem) continue;
        const facts = certificateFacts(parseCertificate(pem));
        out.push({ domains: c.domains, source: c.source, notAfter: facts.notAfter });
      }
      return out;
    },
    routeFigures: async (project, service) => {
      if (!rt.traffic) return undefined;
      const versions = Object.values(await rt.traffic.measure(project, service));
      if (versions.length === 0) return undefined;
      return {
        requests: versions.reduce((sum, v) => sum + v.requests, 0),
        errors: versions.reduce((sum, v) => sum + v.errors, 0),
      };
    },
    routeLatencies: async (project, service) => ({
      bounds: LATENCY_BUCKETS_MS,
      routes: (await rt.traffic?.measureRoutes(project, service)) ?? {},
    }),
    diskPaths: () => [
      { path: rt.paths.home, project: "" },
      ...specs.projects().map((project) => ({ path: dirname(rt.paths.volume(project, "v")), project })),
    ],
  };
}
