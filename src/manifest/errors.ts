import type { ErrorCatalogue } from "../errors.js";

/** Codes of the manifest stage (`slipway config`, and every command that loads the Compose file). */
export const MANIFEST_ERRORS = {
  E_MANIFEST_YAML: "a file is not valid YAML (or uses a YAML feature Compose refuses, like a non-string key)",
  E_MANIFEST_NOT_FOUND: "a Compose file, an `env_file`, a `label_file` or an included file does not exist",
  E_MANIFEST_EMPTY: "a Compose file is empty",
  E_MANIFEST_TYPE: "a value has the wrong type (a string where a list belongs …)",
  E_MANIFEST_VALUE: "a value is out of range or malformed (a port, a duration, a size …)",
  E_MANIFEST_UNKNOWN_KEY: "a key Compose does not know, with a “did you mean”",
  E_MANIFEST_INTERPOLATION:
    "a variable reference that cannot be interpolated (`$VAR:?err` unset, bad syntax)",
  E_MANIFEST_ENV_FILE: "an `.env` or `env_file` line that cannot be read",
  E_MANIFEST_EXTENDS: "`extends` names a service or file that is not there",
  E_MANIFEST_EXTENDS_CYCLE: "services extend each other in a loop",
  E_MANIFEST_INCLUDE: "an `include` entry that cannot be loaded",
  E_MANIFEST_INCLUDE_CONFLICT: "an included file defines a resource the including file defines too",
  E_MANIFEST_INCLUDE_CYCLE: "files include each other in a loop (printed with its path)",
  E_MANIFEST_UNKNOWN_SERVICE:
    "a reference (`depends_on`, `network_mode: service:X` …) to a service that is not defined",
  E_MANIFEST_DISABLED_SERVICE: "a dependency on a service no active profile enables",
  E_MANIFEST_UNKNOWN_VOLUME: "a service mounts a named volume the file does not declare",
  E_MANIFEST_UNKNOWN_REFERENCE: "a service uses a secret, config or network the file does not declare",
  E_MANIFEST_NO_IMAGE: "a service has neither `image` nor `build`",
  E_MANIFEST_PROJECT_NAME: "the project name is not a valid Compose project name",
  E_MANIFEST_CONFLICT: "two settings Compose does not allow together",
  E_MANIFEST_DASHBOARD:
    "`x-slipway.observe.dashboard` cannot be published as written (`tls: off`, or a host that is not a DNS name)",
} as const satisfies ErrorCatalogue;
