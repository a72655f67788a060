import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, KubernetesObjectApi, VersionApi } from "@kubernetes/client-node";
import { SlipwayError } from "../../../errors.js";

/** A connection to the API server of one kubeconfig context. */
export interface ClusterClient {
  readonly context: string;
  readonly server: string;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
}

/** Why a request failed, in the API server's words (its Status message), never with request headers. */
export function apiMessage(error: unknown): string {
  const { code, body } = error as { code?: number; body?: unknown };
  if (typeof code === "number" && code >= 100) {
    let status: { message?: string; reason?: string } | undefined;
    try {
      status = typeof body === "string" ? JSON.parse(body) : (body as typeof status);
    } catch {
      status = undefined;
    }
    return `${code} ${status?.reason ?? ""}: ${status?.message ?? String(body ?? "")}`.replace(/\s+:/, ":");
  }
  return (error as Error)?.message ?? String(error);
}

/** The API status code of a failed request (undefined when the server did not answer). */
export const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" && code >= 100 ? code : undefined;
};

/** Runs a request; a refusal becomes E_K8S_API with what was being done and the server's reason. */
export async function request<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new SlipwayError(
      {
        code: statusOf(error) === undefined ? "E_K8S_UNREACHABLE" : "E_K8S_API",
        message: `${doing} failed: ${apiMessage(error)}`,
        hint: "check the context's credentials and permissions (`kubectl auth can-i`), or the object named",
      },
      { cause: error },
    );
  }
}

/**
 * Is there a kubeconfig where kubectl looks? (Without one the client library would quietly aim at
 * http://localhost:8080.)
 */
function hasKubeconfig(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KUBECONFIG) return true;
  if (existsSync(join(env.HOME ?? homedir(), ".kube", "config"))) return true;
  return (
    Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")
  );
}

/**
 * Connects to the cluster of a kubeconfig context, found as kubectl finds it (`KUBECONFIG`,
 * `~/.kube/config`, the in-cluster service account), then asks its version, so a deploy changes
 * nothing unless the server answers. `context` overrides the kubeconfig's current context.
 */
export async function connectCluster(context: string | undefined): Promise<ClusterClient> {
  if (!hasKubeconfig())
    throw new SlipwayError({
      code: "E_K8S_NO_CONFIG",
      message:
        "no kubeconfig: KUBECONFIG is not set, ~/.kube/config does not exist, and this is not a pod in a cluster",
      hint: "set KUBECONFIG, or create ~/.kube/config (e.g. your provider's `get-credentials` command)",
    });
  const config = new KubeConfig();
  try {
    config.loadFromDefault();
  } catch (error) {
    throw new SlipwayError(
      {
        code: "E_K8S_NO_CONFIG",
        message: `the kubeconfig cannot be read: ${(error as Error).message}`,
        hint: "fix the file KUBECONFIG names (or ~/.kube/config)",
      },
      { cause: error },
    );
  }
  const names = config.getContexts().map((c) => c.name);
  const chosen = context ?? config.getCurrentContext();
  if (!chosen || !names.includes(chosen))
    throw new SlipwayError({
      code: "E_K8S_NO_CONFIG",
      message: chosen ? `the kubeconfig has no context "${chosen}"` : "no kubeconfig context is set",
      hint:
        names.length > 0
          ? `contexts: ${names.join(", ")}; pick one with --context`
          : "set KUBECONFIG, or create ~/.kube/config (e.g. your provider's `get-credentials` command)",
    });
  config.setCurrentContext(chosen);
  const server = config.getCurrentCluster()?.server ?? "";
  try {
    await config.makeApiClient(VersionApi).getCode();
  } catch (error) {
    throw new SlipwayError(
      {
        code: "E_K8S_UNREACHABLE",
        message: `the Kubernetes API server of context "${chosen}" (${server}) does not answer: ${apiMessage(error)}`,
        hint:
          "check the cluster is up and reachable from here (`kubectl --context " +
          chosen +
          " version`); nothing was changed",
      },
      { cause: error },
    );
  }
  return {
    context: chosen,
    server,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
  };
}
