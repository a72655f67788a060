import { VALUE_LABEL } from "../../../secrets/refs.js";
import type { KubeObject, RenderContext } from "./model.js";
import { configContent, configObjectName, dataKey, secretObjectName } from "./mounts.js";
import { metadata } from "./names.js";

/** The keys of the top-level secrets and configs some service of the release mounts. */
function used(ctx: RenderContext, kind: "secrets" | "configs"): string[] {
  return [...new Set(Object.values(ctx.release.spec.services).flatMap((s) => s[kind].map((g) => g.source)))];
}

/**
 * Secrets of the Compose `secrets` that services mount. By default none is rendered: each must exist
 * in the cluster (a warning names it); with `includeSecretValues` the values read from the secrets'
 * `file:`/`environment:` are written.
 */
export function composeSecrets(ctx: RenderContext): KubeObject[] {
  const app = ctx.release.spec;
  return used(ctx, "secrets").flatMap((key): KubeObject[] => {
    const name = secretObjectName(app, key);
    const value = app.secrets?.[key]?.labels?.[VALUE_LABEL];
    if (!ctx.options.includeSecretValues || value === undefined || value === null) {
      ctx.warn(
        `secret ${key}: the Secret "${name}" (key ${dataKey(key)}) must exist in namespace ${ctx.settings.namespace}`,
      );
      return [];
    }
    return [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: metadata(ctx, name),
        type: "Opaque",
        stringData: { [dataKey(key)]: value },
      },
    ];
  });
}

/** ConfigMaps of the Compose `configs` that services mount (external ones must exist). */
export function composeConfigMaps(ctx: RenderContext): KubeObject[] {
  const app = ctx.release.spec;
  return used(ctx, "configs").flatMap((key): KubeObject[] => {
    const content = configContent(app, key);
    const name = configObjectName(app, key);
    if (content === undefined) {
      ctx.warn(`config ${key}: the ConfigMap "${name}" must exist in namespace ${ctx.settings.namespace}`);
      return [];
    }
    return [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: metadata(ctx, name),
        data: { [dataKey(key)]: content },
      },
    ];
  });
}
