import type { ErrorCatalogue } from "../../errors.js";

/** Codes of the kubernetes target: rendering objects, reaching a cluster, applying and watching. */
export const KUBERNETES_ERRORS = {
  E_K8S_INVALID_OBJECT:
    "a rendered object does not match the Kubernetes OpenAPI schema (the message names the object, the field and the Compose setting behind it)",
  E_K8S_OUTPUT: "`render -o DIR` could not write its files (the directory is not writable, or is a file)",
  E_K8S_NO_CONFIG:
    "no kubeconfig was found (`KUBECONFIG`, `~/.kube/config`, in-cluster), or the `--context` it names does not exist",
  E_K8S_UNREACHABLE: "the Kubernetes API server of the chosen context does not answer",
  E_K8S_API: "the Kubernetes API server refused a request (the message has its status and reason)",
  E_K8S_MIGRATION_FAILED:
    "a migration Job failed or timed out; the previous release keeps serving (the message has the pod's reason and last log lines)",
  E_K8S_ROLLOUT_FAILED:
    "a Deployment or StatefulSet did not finish its rollout before its progress deadline; the previous release's objects were applied again",
  E_K8S_NO_RELEASE: "`rollback` found no earlier release of the project in the cluster to go back to",
  E_K8S_NOT_KUBERNETES: "`render --target` names a target other than `kubernetes`",
} as const satisfies ErrorCatalogue;
