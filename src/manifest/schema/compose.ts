import { z } from "zod";
import { composeObject } from "./object.js";
import { serviceSchema } from "./service.js";
import { projectSlipway } from "./slipway.js";
import { configSchema, networkSchema, secretSchema, volumeSchema } from "./top-level.js";

/** Names become paths (volume, run and log directories): a leading letter or digit keeps `.` and `..` out. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const named = <T extends z.ZodType>(schema: T) =>
  z.record(
    z
      .string()
      .regex(NAME, "names start with a letter or digit and use letters, digits, '.', '_' and '-' only"),
    schema,
  );

/** A whole Compose file after `include`, `extends` and merging, before paths and profiles are applied. */
export const composeSchema = composeObject({
  /** Obsolete in the Compose Specification; accepted and ignored. */
  version: z.union([z.string(), z.number()]).optional(),
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]*$/,
      "a project name uses lowercase letters, digits, '_' and '-' and starts with a letter or digit",
    )
    .optional(),
  services: named(serviceSchema).default({}),
  networks: named(networkSchema).default({}),
  volumes: named(volumeSchema).default({}),
  secrets: named(secretSchema).default({}),
  configs: named(configSchema).default({}),
  models: z.record(z.string(), z.unknown()).optional(),
  "x-slipway": projectSlipway.prefault({}),
});

export type ComposeFile = z.infer<typeof composeSchema>;
export type ServiceFile = z.infer<typeof serviceSchema>;
