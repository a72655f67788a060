import type { ComposeFile, ServiceFile } from "./schema/compose.js";
import type { ProjectSlipway, ServiceSlipway, StrategyName } from "./schema/slipway.js";

export type { Port } from "./schema/ports.js";
export type { StrategyName } from "./schema/slipway.js";

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** One service, every default filled in and every path absolute. */
export type ServiceSpec = DeepReadonly<
  Omit<ServiceFile, "x-slipway" | "networks" | "deploy"> & {
    /** The key under `services`. */
    name: string;
    networks: Record<string, unknown>;
    deploy: NonNullable<ServiceFile["deploy"]> & { replicas: number };
    "x-slipway": ServiceSlipway & { strategy: StrategyName };
  }
>;

/** The loaded application: what every later stage (check, plan, release, deploy) reads. */
export type AppSpec = DeepReadonly<
  Omit<ComposeFile, "services" | "name" | "version" | "x-slipway"> & {
    name: string;
    /** Directory relative paths were resolved against. */
    projectDirectory: string;
    /** Files that were read, in order. */
    files: string[];
    services: Record<string, ServiceSpec>;
    /** Services left out because none of their profiles is active. */
    disabledServices: string[];
    "x-slipway": ProjectSlipway;
  }
>;

export type { ProjectSlipway, ServiceSlipway };
