import { SlipwayError } from "../../../errors.js";
import { databaseKind } from "../../../manifest/images.js";
import type { ServiceSpec } from "../../../manifest/model.js";
import { runApp } from "./app.js";
import { runPostgres } from "./postgres.js";
import { runRedis } from "./redis.js";
import type { NativeRunner } from "./runner.js";

/** Which native runner starts a service on the process target, or why none can. */
export function nativeRunnerFor(service: ServiceSpec): NativeRunner {
  const kind = databaseKind(service.image);
  if (kind === "postgres") return runPostgres;
  if (kind === "redis") return runRedis;
  if (service.build || service["x-slipway"].process?.run) return runApp;
  throw new SlipwayError({
    code: "E_TARGET_UNSUPPORTED_IMAGE",
    message: `service ${service.name}: image ${service.image ?? "(none)"} cannot run on the process target`,
    hint: "the process target runs services with `build:` (or x-slipway.process.run) and the postgres and redis images; set `x-slipway: { target: docker }` to run other images in containers",
  });
}
