import { z } from "zod";
import type { CustomParams } from "../issues.js";
import { composeObject } from "./object.js";
import { bool, listOrDict } from "./scalars.js";

/** `external: true`, or the legacy `external: { name: X }` (which names the resource X). */
const external = z.union([bool, composeObject({ name: z.string() })]);
const driverOpts = z.record(z.string(), z.union([z.string(), z.number()])).optional();

const conflict = (hint: string): CustomParams => ({ code: "E_MANIFEST_CONFLICT", hint });

type Kind = "network" | "volume" | "secret" | "config";

/**
 * Compose's rules for an external resource: it was created elsewhere, so only `name` may sit next to
 * `external`; the legacy `external.name` becomes `name`, and both together are a conflict.
 */
function externalResource<S extends z.ZodRawShape>(kind: Kind, shape: S) {
  return composeObject({ ...shape, name: z.string().optional(), external: external.optional() }).transform(
    (value, ctx): Omit<typeof value, "external"> & { readonly external?: boolean | undefined } => {
      const { external: ext, ...rest } = value as typeof value & {
        external?: boolean | { name: string };
        name?: string;
      };
      if (typeof ext === "object") {
        if (rest.name !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["external", "name"],
            message: `${kind} "external.name" and "name" conflict`,
            params: conflict('keep only "name" (external.name is deprecated)'),
          });
        }
        return { ...(value as typeof rest), name: ext.name, external: true };
      }
      if (ext === true) {
        for (const key of Object.keys(rest)) {
          if (key === "name" || (rest as Record<string, unknown>)[key] === undefined) continue;
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `conflicting parameters "external" and "${key}" specified for this ${kind}`,
            params: conflict(`an external ${kind} is created outside Compose: remove "${key}" or "external"`),
          });
        }
      }
      return { ...(value as typeof rest), external: ext };
    },
  );
}

/** Top-level `networks` entry. */
export const networkSchema = z.preprocess(
  (value) => value ?? {},
  externalResource("network", {
    driver: z.string().optional(),
    driver_opts: driverOpts,
    ipam: z.record(z.string(), z.unknown()).optional(),
    internal: bool.optional(),
    enable_ipv4: bool.optional(),
    enable_ipv6: bool.optional(),
    attachable: bool.optional(),
    labels: listOrDict.optional(),
  }),
);

/** Top-level `volumes` entry. */
export const volumeSchema = z.preprocess(
  (value) => value ?? {},
  externalResource("volume", {
    driver: z.string().optional(),
    driver_opts: driverOpts,
    labels: listOrDict.optional(),
  }),
);

const secretShape = {
  file: z.string().optional(),
  environment: z.string().optional(),
  labels: listOrDict.optional(),
  driver: z.string().optional(),
  driver_opts: driverOpts,
  template_driver: z.string().optional(),
};

/** Top-level `configs` entry: from a file, an environment variable, inline content or external. */
export const configSchema = externalResource("config", { ...secretShape, content: z.string().optional() });

/** Top-level `secrets` entry: from a file or an environment variable, or external. */
export const secretSchema = externalResource("secret", secretShape).superRefine((secret, ctx) => {
  if (!secret.external && secret.file === undefined && secret.environment === undefined)
    ctx.addIssue({
      code: "custom",
      path: [],
      message: "a secret must declare either `file` or `environment`",
      params: { hint: "add `file: ./path` or `environment: VARIABLE`, or mark it `external: true`" },
    });
});
