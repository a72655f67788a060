import { readFile } from "node:fs/promises";
import type { DeployRuntime } from "../deploy/runtime.js";
import { metricsAddress, Observer } from "../observe/observer.js";
import { certificateFacts, parseCertificate } from "../router/tls/inspect.js";
import { CertificateStore } from "../router/tls/store.js";
import type { AgentBackups } from "./backups/backups.js";
import type { ProjectSpecs } from "./project-specs.js";

/** The agent's observer; `sync` moves its endpoint where the projects' manifests now ask. */
export interface AgentObserver {
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** The agent's observer, reading its state, release specs, backup stores and certificates. */
export function agentObserver(rt: DeployRuntime, specs: ProjectSpecs, backups: AgentBackups): AgentObserver {
  const observer = observerOf(rt, specs, backups);
  return {
    sync: () => {
      const manifests = specs.projects().map((project) => specs.spec(project));
      return observer.serveAt(metricsAddress(manifests.filter((spec) => spec !== undefined)));
    },
    stop: () => observer.stop(),
  };
}

function observerOf(rt: DeployRuntime, specs: ProjectSpecs, backups: AgentBackups): Observer {
  const certificates = new CertificateStore(rt.paths.tlsDir);
  return new Observer(
    {
      store: rt.store,
      projects: () => specs.projects(),
      cronOf: (project, service) => {
        const active = rt.store.activeRelease(project);
        const release = active && specs.release(project, active.id);
        return release?.spec.services[service]?.["x-slipway"].schedule?.cron;
      },
      backups: async (project) => {
        if (!specs.spec(project)) return [];
        const listing = await backups.list(project).catch(() => undefined);
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
    },
    (error) =>
      // The endpoint's address comes from the manifests; its failure is the agent's, told to every project.
      {
        for (const project of specs.projects())
          rt.store.addEvent({ project, kind: "observe.error", level: "error", message: error.message });
      },
  );
}
