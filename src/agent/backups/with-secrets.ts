import type { AppSpec } from "../../manifest/model.js";
import { deliverSecrets } from "../../secrets/deliver.js";
import { secretStoreIn } from "../../secrets/store.js";

/**
 * `app` with one service's secret references resolved in memory (for the backup tools' environment).
 * A `<NAME>_FILE` naming one of its delivered secrets also gives `<NAME>` its content when `<NAME>`
 * is unset, as the images' `file_env` does (`POSTGRES_PASSWORD_FILE` → the password pg_dump needs).
 */
export async function withServiceSecrets(app: AppSpec, service: string, home: string): Promise<AppSpec> {
  const spec = app.services[service];
  if (!spec) return app;
  const { spec: resolved, contents } = await deliverSecrets(secretStoreIn(home), app.name, spec, "", false);
  const environment = { ...resolved.environment };
  for (const [key, value] of Object.entries(resolved.environment)) {
    const base = key.endsWith("_FILE") ? key.slice(0, -"_FILE".length) : undefined;
    const content = value !== null ? contents.get(value) : undefined;
    if (base && content !== undefined && (environment[base] ?? null) === null)
      environment[base] = content.replace(/\n+$/, "");
  }
  return { ...app, services: { ...app.services, [service]: { ...resolved, environment } } };
}
