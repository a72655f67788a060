import { z } from "zod";
import { composeObject } from "./object.js";
import { bool, listOrDict } from "./scalars.js";

const external = z.union([bool, composeObject({ name: z.string() }).transform(() => true)]);
const driverOpts = z.record(z.string(), z.union([z.string(), z.number()])).optional();

/** Top-level `networks` entry. */
export const networkSchema = z.preprocess(
  (value) => value ?? {},
  composeObject({
    name: z.string().optional(),
    driver: z.string().optional(),
    driver_opts: driverOpts,
    ipam: z.record(z.string(), z.unknown()).optional(),
    external: external.optional(),
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
  composeObject({
    name: z.string().optional(),
    driver: z.string().optional(),
    driver_opts: driverOpts,
    external: external.optional(),
    labels: listOrDict.optional(),
  }),
);

/** Top-level `secrets` / `configs` entry: from a file, an environment variable, inline content or external. */
export const fileObjectSchema = composeObject({
  name: z.string().optional(),
  file: z.string().optional(),
  environment: z.string().optional(),
  content: z.string().optional(),
  external: external.optional(),
  labels: listOrDict.optional(),
  driver: z.string().optional(),
  driver_opts: driverOpts,
  template_driver: z.string().optional(),
});
