import { describe, expect, it } from "vitest";
import type { AppSpec, ServiceSpec } from "../../manifest/model.js";
import { VALUE_LABEL } from "../../secrets/refs.js";
import { sealSpec } from "../../secrets/seal.js";
import { tempSecretStore } from "../../secrets/test-support.js";
import { withServiceSecrets } from "./with-secrets.js";

describe("withServiceSecrets", () => {
  it("gives POSTGRES_PASSWORD the content of the secret POSTGRES_PASSWORD_FILE names, in memory", async () => {
    const { store, home } = tempSecretStore();
    const db = {
      name: "db",
      environment: { POSTGRES_USER: "bot", POSTGRES_PASSWORD_FILE: "/run/secrets/db_password" },
      secrets: [{ source: "db_password" }],
    } as unknown as ServiceSpec;
    const app = {
      name: "shop",
      services: { db },
      secrets: { db_password: { labels: { [VALUE_LABEL]: "s3cret\n" } } },
    } as unknown as AppSpec;
    const sealed = await sealSpec(store, app);
    expect(JSON.stringify(sealed)).not.toContain("s3cret");
    const resolved = await withServiceSecrets(sealed, "db", home);
    expect(resolved.services.db!.environment).toMatchObject({
      POSTGRES_USER: "bot",
      POSTGRES_PASSWORD: "s3cret",
    });
  });
});
