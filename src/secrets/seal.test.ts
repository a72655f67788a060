// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${secret:NAME} references are slipway syntax, not JS templates
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AppSpec, ServiceSpec } from "../manifest/model.js";
import { deliverSecrets, ownByGrants } from "./deliver.js";
import { VALUE_LABEL, VERSION_LABEL } from "./refs.js";
import { sealSpec } from "./seal.js";
import { tempSecretStore } from "./test-support.js";

const service = (name: string, environment: Record<string, string | null>, secrets: unknown[] = []) =>
  ({ name, environment, secrets }) as unknown as ServiceSpec;

const app = (services: ServiceSpec[], secrets: Record<string, unknown> = {}) =>
  ({
    name: "shop",
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    secrets,
  }) as unknown as AppSpec;

describe("sealSpec", () => {
  it("moves secret-looking values into the store and leaves a pinned reference", async () => {
    const { store } = tempSecretStore();
    const sealed = await sealSpec(
      store,
      app([service("api", { API_SECRET: "hunter2", DATABASE_URL: "postgres://u:pw@db/x", MODE: "prod" })]),
    );
    const env = sealed.services.api!.environment;
    expect(env).toEqual({
      API_SECRET: "${secret:env.api.API_SECRET@1}",
      DATABASE_URL: "${secret:env.api.DATABASE_URL@1}",
      MODE: "prod",
    });
    expect(JSON.stringify(sealed)).not.toContain("hunter2");
    expect(await store.get("shop", "env.api.API_SECRET", 1)).toBe("hunter2");
  });

  it("keeps the version of an unchanged value (same release) and adds one for a changed value", async () => {
    const { store } = tempSecretStore();
    const first = await sealSpec(store, app([service("api", { TOKEN: "a" })]));
    const same = await sealSpec(store, app([service("api", { TOKEN: "a" })]));
    const changed = await sealSpec(store, app([service("api", { TOKEN: "b" })]));
    expect(same).toEqual(first);
    expect(changed.services.api!.environment.TOKEN).toBe("${secret:env.api.TOKEN@2}");
  });

  it("pins ${secret:NAME} to the latest version, and refuses a secret that was never set", async () => {
    const { store } = tempSecretStore();
    await store.set("shop", "bot_token", "t1");
    await store.set("shop", "bot_token", "t2");
    const sealed = await sealSpec(
      store,
      app([service("bot", { AUTH_HEADER: "Bearer ${secret:bot_token}" })]),
    );
    expect(sealed.services.bot!.environment.AUTH_HEADER).toBe("Bearer ${secret:bot_token@2}");
    await expect(sealSpec(store, app([service("bot", { X: "${secret:missing}" })]))).rejects.toMatchObject({
      code: "E_SECRET_NOT_FOUND",
    });
  });

  it("seals a Compose secret's value (read by the CLI) and pins the services' grants to its version", async () => {
    const { store } = tempSecretStore();
    const sealed = await sealSpec(
      store,
      app([service("db", {}, [{ source: "db_password", target: "/run/secrets/db_password" }])], {
        db_password: { labels: { [VALUE_LABEL]: "pg-pass" } },
      }),
    );
    expect(sealed.secrets!.db_password).toEqual({
      external: true,
      name: "db_password",
      labels: { [VERSION_LABEL]: "1" },
    });
    expect(sealed.services.db!.secrets).toEqual([
      { source: "db_password@1", target: "/run/secrets/db_password" },
    ]);
    expect(JSON.stringify(sealed)).not.toContain("pg-pass");
  });

  it("stores nothing for a plan (dryRun) but names the version a deploy would pin", async () => {
    const { store } = tempSecretStore();
    const sealed = await sealSpec(store, app([service("api", { API_KEY: "k" })]), { dryRun: true });
    expect(sealed.services.api!.environment.API_KEY).toBe("${secret:env.api.API_KEY@1}");
    expect(store.list("shop")).toEqual([]);
  });

  it("re-pins a rotated secret that a release had pinned to an older version", async () => {
    const { store } = tempSecretStore();
    const first = await sealSpec(
      store,
      app([service("bot", { T: "${secret:bot_token}" })], {}).valueOf() as AppSpec,
    ).catch(() => undefined);
    expect(first).toBeUndefined();
    await store.set("shop", "bot_token", "v1");
    const pinned = await sealSpec(store, app([service("bot", { T: "${secret:bot_token}" })]));
    await store.set("shop", "bot_token", "v2");
    const kept = await sealSpec(store, pinned);
    const rotated = await sealSpec(store, pinned, { repin: ["bot_token"] });
    expect(kept.services.bot!.environment.T).toBe("${secret:bot_token@1}");
    expect(rotated.services.bot!.environment.T).toBe("${secret:bot_token@2}");
  });
});

describe("deliverSecrets", () => {
  it("resolves references into the environment and writes grants as 0400 files with <NAME>_FILE", async () => {
    const { store, home } = tempSecretStore();
    const sealed = await sealSpec(
      store,
      app(
        [
          service("api", { API_SECRET: "hunter2", PLAIN: "x", TOKEN_PATH: "/run/secrets/bot_token" }, [
            { source: "bot_token", target: "/run/secrets/bot_token" },
          ]),
        ],
        {
          bot_token: { labels: { [VALUE_LABEL]: "123:abc" } },
        },
      ),
    );
    const dir = join(home, "run", "inst");
    const delivered = await deliverSecrets(store, "shop", sealed.services.api!, dir);
    expect(delivered.spec.environment).toMatchObject({
      API_SECRET: "hunter2",
      PLAIN: "x",
      BOT_TOKEN_FILE: join(dir, "bot_token"),
      // Where Docker would mount it, as the process target delivers it.
      TOKEN_PATH: join(dir, "bot_token"),
    });
    expect(delivered.contents.get(join(dir, "bot_token"))).toBe("123:abc");
    expect(readFileSync(join(dir, "bot_token"), "utf8")).toBe("123:abc");
    expect(statSync(join(dir, "bot_token")).mode & 0o777).toBe(0o400);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe("ownByGrants", () => {
  it("gives a file the grant's uid/gid and lets its owner through the directory", async () => {
    if (process.getuid?.() !== 0) return;
    const { store, home } = tempSecretStore();
    const sealed = await sealSpec(
      store,
      app([service("api", {}, [{ source: "tok", target: "/run/secrets/tok", uid: "65534", gid: "65534" }])], {
        tok: { labels: { [VALUE_LABEL]: "v" } },
      }),
    );
    const dir = join(home, "run", "inst");
    const delivered = await deliverSecrets(store, "shop", sealed.services.api!, dir);
    ownByGrants(delivered, dir);
    expect([statSync(join(dir, "tok")).uid, statSync(join(dir, "tok")).mode & 0o777]).toEqual([65534, 0o400]);
    expect(statSync(dir).mode & 0o777).toBe(0o711);
  });
});
