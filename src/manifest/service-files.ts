import type { Problem } from "../errors.js";
import { describeReadError, readManifestText } from "./bounded-read.js";
import { parseEnvFile, unsetVariableWarnings } from "./env-file.js";
import { parseRawEnvFile } from "./env-file-raw.js";
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
type ParsedProblems = ReturnType<typeof parseEnvFile>["problems"];
type Unset = ReturnType<typeof parseEnvFile>["unset"];

/**
 * Reads `env_file` and `label_file` as Compose does when it loads a project: a missing required
 * env file or a missing label file is an error, a missing `required: false` env file is skipped.
 *
 * What `${VAR}` and a bare `KEY` see inside them is what compose-go gives them. In an env file:
 * the project's environment (the shell, then `.env`), then the service's `environment`, and only
 * then what the env files set so far (one map shared by all of them). In a label file: only the
 * labels of the label files before it, then its own.
 */
export function readServiceFiles(service: ServiceFile, base: string, lookup: Lookup): ServiceFileValues {
  const problems: ServiceFileValues["problems"][number][] = [];
  const read = (field: "env_file" | "label_file", index: number, path: string, required: boolean) => {
    const file = resolveHostPath(path, base);
    try {
      return readManifestText(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!required && code === "ENOENT") return undefined;
      if (code === "ENOTREG" || code === "EFBIG" || code === "EISDIR") {
        problems.push({
          code: "E_ENV_FILE_NOT_REGULAR",
          message: `${field} ${file} ${code === "EFBIG" ? "is too large" : "is not a regular file"}`,
          hint: "point it at a plain file (a FIFO or a device would block slipway)",
          at: [field, index],
        });
        return undefined;
      }
      problems.push({
        code: "E_MANIFEST_NOT_FOUND",
        message: `${field} ${file} ${describeReadError(code)}`,
        hint:
          field === "env_file"
            ? "create the file, fix the path, or mark the entry `required: false`"
            : "create the file or fix the path",
        at: [field, index],
      });
      return undefined;
    }
  };
  const report = (field: "env_file" | "label_file", index: number, path: string, found: ParsedProblems) => {
    const file = resolveHostPath(path, base);
    for (const { line, column, message, hint } of found)
      problems.push({
        code: "E_MANIFEST_ENV_FILE",
        message,
        hint,
        location: { file, line, column },
        at: [field, index],
      });
  };
  const warn = (field: "env_file" | "label_file", index: number, path: string, unset: Unset) => {
    for (const warning of unsetVariableWarnings(resolveHostPath(path, base), unset))
      problems.push({ ...warning, at: [field, index] });
  };
  const ownEnvironment = (name: string) =>
    Object.hasOwn(service.environment, name) ? (service.environment[name] ?? undefined) : undefined;
  const environment = new Map<string, string>();
  for (const [index, entry] of service.env_file.entries()) {
    const text = read("env_file", index, entry.path, entry.required);
    if (text === undefined) continue;
    const lookupFirst = (name: string) => lookup(name) ?? ownEnvironment(name);
    // `format` is judged only for a file that is read, as docker compose does
    const format = entry.format ?? "";
    if (format === "") {
      const parsed = parseEnvFile(text, lookupFirst, environment);
      report("env_file", index, entry.path, parsed.problems);
      warn("env_file", index, entry.path, parsed.unset);
    } else if (format === "raw")
      report("env_file", index, entry.path, parseRawEnvFile(text, lookupFirst, environment).problems);
    else
      problems.push({
        code: "E_MANIFEST_ENV_FILE",
        message: `unsupported env_file format ${JSON.stringify(format)}`,
        hint: "write `format: raw` (values as written, as `docker run --env-file` reads them), or leave `format` out",
        at: ["env_file", index, "format"],
      });
  }
  const labels = new Map<string, string>();
  for (const [index, path] of (service.label_file ?? []).entries()) {
    const text = read("label_file", index, path, true);
    if (text === undefined) continue;
    const parsed = parseEnvFile(text, (name) => labels.get(name));
    report("label_file", index, path, parsed.problems);
    warn("label_file", index, path, parsed.unset);
    for (const [key, value] of parsed.vars) labels.set(key, value);
  }
  return { environment, labels, problems };
}
