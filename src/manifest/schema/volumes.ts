import { z } from "zod";
import { composeObject } from "./object.js";
import { bool, byteSize, fileMode } from "./scalars.js";

/** A mount in Compose's long syntax; bind sources are absolute after loading. */
export interface Mount {
  readonly type: "bind" | "volume" | "tmpfs" | "cluster" | "npipe" | "image";
  /** Host path (bind) or volume name (volume); absent for an anonymous volume or tmpfs. */
  readonly source?: string | undefined;
  readonly target: string;
  /** Default false. */
  readonly read_only: boolean;
  readonly bind?:
    | { readonly create_host_path: boolean; readonly propagation?: string | undefined }
    | undefined;
  readonly volume?: { readonly nocopy: boolean; readonly subpath?: string | undefined } | undefined;
  readonly tmpfs?: { readonly size?: number | undefined; readonly mode?: number | undefined } | undefined;
}

/** A short-syntax source is a host path when it starts like one (`.`, `/`, `~`), otherwise a volume name. */
export function isHostPath(source: string): boolean {
  return /^(\.|\/|~|[a-zA-Z]:[\\/])/.test(source) || source === "." || source === "..";
}

/** Parses `[SOURCE:]TARGET[:MODE]`. */
export function parseShortVolume(spec: string): Mount | string {
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p === "")) {
    return `"${spec}" is not a volume; write it as TARGET, VOLUME:TARGET or ./HOST_PATH:TARGET[:ro]`;
  }
  if (parts.length === 1)
    return { type: "volume", target: parts[0]!, read_only: false, volume: { nocopy: false } };
  const [source, target, mode = "rw"] = parts as [string, string, string?];
  const options = mode.split(",");
  const unknown = options.filter(
    (o) => !["ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent"].includes(o),
  );
  if (unknown.length > 0) return `"${spec}" has unknown mode "${unknown.join(",")}"; use ro or rw`;
  const read_only = options.includes("ro");
  if (isHostPath(source))
    return { type: "bind", source, target, read_only, bind: { create_host_path: true } };
  return { type: "volume", source, target, read_only, volume: { nocopy: options.includes("nocopy") } };
}

const longMount = composeObject({
  type: z.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
  source: z.string().optional(),
  target: z.string().min(1),
  read_only: bool.default(false),
  consistency: z.string().optional(),
  bind: composeObject({
    propagation: z.string().optional(),
    create_host_path: bool.default(true),
    selinux: z.enum(["z", "Z"]).optional(),
    recursive: z.string().optional(),
  }).optional(),
  volume: composeObject({
    nocopy: bool.default(false),
    subpath: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }).optional(),
  tmpfs: composeObject({
    size: byteSize
      .refine((size) => Number.isInteger(size) && size >= 0, {
        message: "a tmpfs size is a whole number of bytes, 0 or more",
        params: { hint: "write it like 64m or 1048576" },
      })
      .optional(),
    mode: fileMode.optional(),
  }).optional(),
  image: composeObject({ subpath: z.string().optional() }).optional(),
});

/** `volumes` of a service: short strings or long mappings, normalized to long entries. */
export const serviceVolumes = z.array(
  z.union([z.string(), longMount]).transform((value, ctx): Mount => {
    if (typeof value === "object") {
      if (value.type === "bind" && !value.source) {
        ctx.addIssue({
          code: "custom",
          path: ["source"],
          message: "a bind mount needs a `source`",
          params: { hint: "set `source:` to the host path to mount, or use `type: volume`" },
        });
        return z.NEVER;
      }
      if (value.type === "bind" && value.bind === undefined)
        return { ...value, bind: { create_host_path: true } };
      return value;
    }
    const parsed = parseShortVolume(value);
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
);
