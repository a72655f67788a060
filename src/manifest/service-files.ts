import type { Problem } from "../errors.js";
import { describeReadError, readManifestText } from "./bounded-read.js";
import { parseEnvFile } from "./env-file.js";
import { resolveHostPath } from "./rebase-paths.js";
import type { ServiceFile } from "./schema/compose.js";

/** What a service's `env_file` and `label_file` files say, read once when the manifest loads. */
export interface ServiceFileValues {
  /** Variables from `env_file` (later files win); `environment` goes on top of them. */
  readonly environment: ReadonlyMap<string, string>;
  /** Labels from `label_file` (later files win); `labels` goes on top of them. */
  readonly labels: ReadonlyMap<string, string>;
  /** Problems, each with its key path below the service (`["env_file", 0]`). */
  readonly problems: readonly (Omit<Problem, "path"> & { readonly at: readonly (string | number)[] })[];
}

type Lookup = (name: string) => string | undefined;

/**
 * Reads `env_file` and `label_file` as Compose does when it loads a project: a missing required
 * env file or a missing label file is an error, a missing `required: false` env file is skipped.
 */
export function readServiceFiles(service: ServiceFile, base: string, lookup: Lookup): ServiceFileValues {
  const problems: ServiceFileValues["problems"][number][] = [];
  const read = (
    field: "env_file" | "label_file",
    index: number,
    path: string,
    required: boolean,
    into: Map<string, string>,
  ) => {
    const file = resolveHostPath(path, base);
    let text: string;
    try {
      text = readManifestText(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!required && code === "ENOENT") return;
      problems.push({
        code: "E_MANIFEST_NOT_FOUND",
        message: `${field} ${file} ${describeReadError(code)}`,
        hint:
          field === "env_file"
            ? "create the file, fix the path, or mark the entry `required: false`"
            : "create the file or fix the path",
        at: [field, index],
      });
      return;
    }
    // a variable defined earlier in the file is visible to later lines, the environment first
    const parsed = parseEnvFile(text, (name) => lookup(name) ?? into.get(name));
    for (const found of parsed.problems)
      problems.push({
        code: "E_MANIFEST_ENV_FILE",
        message: found.message,
        hint: found.hint,
        location: { file, line: found.line, column: found.column },
        at: [field, index],
      });
    for (const [key, value] of parsed.vars) into.set(key, value);
  };
  const environment = new Map<string, string>();
  for (const [index, entry] of service.env_file.entries())
    read("env_file", index, entry.path, entry.required, environment);
  const labels = new Map<string, string>();
  for (const [index, path] of (service.label_file ?? []).entries())
    read("label_file", index, path, true, labels);
  return { environment, labels, problems };
}
