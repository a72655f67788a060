import type { AppSpec } from "../../manifest/model.js";
import type { ReservedRoute, ReservedTls } from "../control/reserved-routes.js";
import type { Certificate } from "../model.js";
import { isPublicDomain } from "./domains.js";
import type { CertificateManager } from "./manager.js";

const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

export interface RouteCertificatesOptions {
  /** Where certificates and keys are kept. */
  readonly dir: string;
  /** Serves the current challenges (HTTP-01 answers are routes of the route table); resolves once served. */
  readonly publish: () => Promise<void>;
  /** An order's outcome, for the project's event log. */
  readonly report: (project: string, outcome: { ok: boolean; message: string }) => void;
}

/**
 * Certificates for every TLS route: user files, ACME for public domains (self-signed until the
 * order completes in the background), else self-signed. Holds the pending HTTP-01 challenges.
 */
export class RouteCertificates {
  /** Loaded on first use: the TLS libraries cost the idle agent several MB it rarely needs. */
  private manager: CertificateManager | undefined;
  private readonly challenges: Record<string, string> = {};
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: RouteCertificatesOptions) {}

  /** HTTP-01 token → key authorization, for the route table. */
  acmeChallenges(): Readonly<Record<string, string>> {
    return { ...this.challenges };
  }

  private async certificates(): Promise<CertificateManager> {
    if (!this.manager) {
      const { CertificateManager } = await import("./manager.js");
      this.manager ??= new CertificateManager({ dir: this.options.dir });
    }
    return this.manager;
  }

  /** Certificates of the projects' TLS routes and of the reserved routes (the agent's dashboard). */
  async forProjects(
    specs: readonly AppSpec[],
    reserved: readonly ReservedRoute[] = [],
  ): Promise<Certificate[]> {
    const wanted = specs.flatMap((spec) =>
      Object.values(spec.services).flatMap((service) =>
        service["x-slipway"].routes
          .filter((route) => route.tls !== "off" && route.domains.length > 0)
          .map((route) => ({ spec, domains: route.domains, mode: route.tls as ReservedTls })),
      ),
    );
    for (const route of reserved) {
      const spec = specs.find((s) => s.name === route.project);
      if (spec) wanted.push({ spec, domains: route.domains, mode: route.tls });
    }
    const certificates: Certificate[] = [];
    for (const { spec, domains, mode } of wanted) {
      const tls = spec["x-slipway"].tls;
      const manager = await this.certificates();
      if (mode === "files" && tls.cert_file && tls.key_file) {
        certificates.push(await manager.useFiles(domains, tls.cert_file, tls.key_file));
        continue;
      }
      const wantsAcme = mode === "acme" || (mode === "auto" && domains.every(isPublicDomain));
      const issued = wantsAcme
        ? (await manager.listCertificates()).find(
            (c) => c.source === "acme" && domains.every((d) => c.domains.includes(d)),
          )
        : undefined;
      certificates.push(issued ?? (await manager.ensureSelfSigned(domains)));
      if (wantsAcme && !issued) this.order(spec.name, domains, tls.acme_directory, tls.email);
    }
    return certificates;
  }

  /** ACME in the background: the route serves a self-signed certificate until the real one arrives. */
  private order(
    project: string,
    domains: readonly string[],
    directoryUrl: string | undefined,
    email: string | undefined,
  ): void {
    const key = domains.join(",");
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    void this.certificates()
      .then((manager) =>
        manager.obtainAcme(domains, {
          directoryUrl: directoryUrl ?? LETS_ENCRYPT,
          email,
          setChallenge: async (token, keyAuthorization) => {
            this.challenges[token] = keyAuthorization;
            await this.options.publish();
          },
          clearChallenge: async (token) => {
            delete this.challenges[token];
          },
        }),
      )
      .then(
        () => this.options.report(project, { ok: true, message: `ACME certificate issued for ${key}` }),
        (error: Error) =>
          this.options.report(project, { ok: false, message: `ACME for ${key} failed: ${error.message}` }),
      )
      .finally(() => {
        this.inFlight.delete(key);
        void this.options.publish().catch(() => undefined);
      });
  }
}
