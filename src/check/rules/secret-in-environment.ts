import { secretRefs } from "../../secrets/refs.js";
import type { LintRule } from "../rule.js";
import { isLiteralSecret, isSecretName, secretValueKind } from "./secret-patterns.js";

/**
 * A password, token or key written into `environment`. Messages never include the value.
 * Values that come from a variable (`${PW}`) or the environment (a bare `KEY`) are references, not leaks.
 */
export const secretInEnvironment: LintRule = {
  code: "E_CHECK_SECRET_IN_ENV",
  severity: "error",
  title: "secret value written in plain `environment`",
  hint: "move it to a Compose `secrets:` entry (many images read `*_FILE` variables) or to an `env_file` kept out of git, then rotate it: it is already in the file's history",
  *check(spec, source) {
    for (const service of Object.values(spec.services)) {
      for (const [name, value] of Object.entries(service.environment)) {
        if (value === null || !source.isLiteral(["services", service.name, "environment", name])) continue;
        // `${secret:NAME}` names a secret in slipway's store: the way to do it, not a leak.
        if (secretRefs(value).length > 0) continue;
        const kind = secretValueKind(value);
        if (!kind && !(isSecretName(name) && isLiteralSecret(value))) continue;
        yield {
          message: `service "${service.name}" sets ${name} to ${kind ?? "a literal secret"} in \`environment\``,
          path: ["services", service.name, "environment", name],
        };
      }
    }
  },
};
