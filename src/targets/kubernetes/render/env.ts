import { isLiteralSecret, isSecretName, secretValueKind } from "../../../check/rules/secret-patterns.js";
import type { ServiceSpec } from "../../../manifest/model.js";
import { secretRefs } from "../../../secrets/refs.js";
import type { KubeObject, RenderContext } from "./model.js";
import { metadata, suffixed } from "./names.js";

/** The Secret that holds a service's secret environment variables: `<service>-env`. */
export const envSecretName = (service: ServiceSpec): string => suffixed(service.name, "env");

/**
 * Is this variable's value a secret, as `slipway check` judges it (a secret-named variable with a
 * literal value, a value shaped like a token, key or URL with a password), or a `${secret:…}` reference?
 */
const isSecretVariable = (name: string, value: string): boolean =>
  secretRefs(value).length > 0 ||
  (isSecretName(name) && isLiteralSecret(value)) ||
  secretValueKind(value) !== undefined;

/** The service's variables that are set (Compose leaves a variable without value unset). */
function setVariables(service: ServiceSpec): [string, string][] {
  return Object.entries(service.environment).filter((e): e is [string, string] => e[1] !== null);
}

/**
 * The container's `env`: plain values as they are; secret ones as references to the service's
 * `<service>-env` Secret, so no secret value is written into a Deployment.
 */
export function containerEnv(service: ServiceSpec): Record<string, unknown>[] {
  return setVariables(service).map(([name, value]) =>
    isSecretVariable(name, value)
      ? { name, valueFrom: { secretKeyRef: { name: envSecretName(service), key: name } } }
      : { name, value },
  );
}

/**
 * The `<service>-env` Secret: rendered with its values only when asked (`includeSecretValues`);
 * otherwise it must exist in the cluster, and a warning names it and its keys.
 */
export function envSecret(ctx: RenderContext, service: ServiceSpec): KubeObject[] {
  const secret = setVariables(service).filter(([name, value]) => isSecretVariable(name, value));
  if (secret.length === 0) return [];
  const name = envSecretName(service);
  if (!ctx.options.includeSecretValues) {
    ctx.warn(
      `${service.name}: its secret variables come from the Secret "${name}" (keys ${secret.map(([k]) => k).join(", ")}), which must exist in namespace ${ctx.settings.namespace} (or render with --include-secret-values)`,
    );
    return [];
  }
  const unresolved = secret.filter(([, value]) => secretRefs(value).length > 0).map(([k]) => k);
  if (unresolved.length > 0)
    ctx.warn(
      `${service.name}: ${unresolved.join(", ")} name slipway secrets (\${secret:…}); their references are written as they are`,
    );
  return [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: metadata(ctx, name, service),
      type: "Opaque",
      stringData: Object.fromEntries(secret),
    },
  ];
}
