import type { AppSpec } from "../../manifest/model.js";
import { deliverSecrets } from "../../secrets/deliver.js";
import { secretStoreIn } from "../../secrets/store.js";

/** `app` with one service's secret references resolved in memory (for the backup tools' environment). */
export async function withServiceSecrets(app: AppSpec, service: string, home: string): Promise<AppSpec> {
  const spec = app.services[service];
  if (!spec) return app;
  const { spec: resolved } = await deliverSecrets(secretStoreIn(home), app.name, spec, "", false);
  return { ...app, services: { ...app.services, [service]: resolved } };
}
