import type { EnvFileProblem } from "./env-file.js";

/** Go's `unicode.IsSpace`, which docker's parser trims from the start of each line. */
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * Parses an `env_file` written with `format: raw`, as docker compose does with the parser of
 * `docker run --env-file`: one `KEY=VALUE` per line, the value taken as written (quotes, `$`,
 * trailing blanks and all), no interpolation; a bare `KEY` takes its value from `lookup` and is
 * skipped when unset there. Writes into `into`, which the caller may share between files.
 */
export function parseRawEnvFile(
  text: string,
  lookup: (name: string) => string | undefined,
  into: Map<string, string>,
): { readonly problems: readonly EnvFileProblem[] } {
  const problems: EnvFileProblem[] = [];
  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split("\n");
  // a final line break ends the last line; it does not start another
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((written, index) => {
    const raw = written.endsWith("\r") ? written.slice(0, -1) : written;
    const line = raw.replace(LEADING_SPACE, "");
    if (line === "" || line.startsWith("#")) return;
    const equals = line.indexOf("=");
    const key = equals === -1 ? line : line.slice(0, equals);
    const column = raw.length - line.length + 1;
    if (key === "") {
      problems.push({ line: index + 1, column, message: `no variable name on line '${line}'`, hint: HINT });
      return;
    }
    if (/[ \t]/.test(key)) {
      problems.push({
        line: index + 1,
        column,
        message: `variable '${key}' contains whitespaces`,
        hint: HINT,
      });
      return;
    }
    if (equals !== -1) into.set(key, line.slice(equals + 1));
    else {
      const value = lookup(key);
      if (value !== undefined) into.set(key, value);
    }
  });
  return { problems };
}

const HINT = "a raw env file has one KEY=VALUE per line, the key without spaces";
