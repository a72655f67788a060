import type { AppSpec } from "../manifest/model.js";
import { SECRET_NAME, secretRefs, URL_PASSWORD, VALUE_LABEL } from "../secrets/refs.js";

export const REDACTED = "[redacted]";

/** One environment value as it may be shown: secret-named values hidden, passwords in URLs hidden. */
export function redactValue(name: string, value: string | null): string | null {
  if (value === null) return null;
  // A reference names a secret without revealing it: shown as it is.
  if (secretRefs(value).length > 0) return value;
  if (SECRET_NAME.test(name)) return REDACTED;
  return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** A release's frozen spec as it may be shown (`slipway releases --json`): secret values redacted. */
export function redactSpec(spec: AppSpec): AppSpec {
  const services = Object.fromEntries(
    Object.entries(spec.services).map(([name, service]) => [
      name,
      {
        ...service,
        environment: Object.fromEntries(
          Object.entries(service.environment).map(([key, value]) => [key, redactValue(key, value)]),
        ),
      },
    ]),
  );
  // A Compose secret's value on its way to the agent (a label) is never shown.
  const secrets = Object.fromEntries(
    Object.entries(spec.secrets ?? {}).map(([key, secret]) => {
      const { [VALUE_LABEL]: value, ...labels } = (secret.labels ?? {}) as Record<string, string | null>;
      return [
        key,
        value === undefined ? secret : { ...secret, labels: { ...labels, [VALUE_LABEL]: REDACTED } },
      ];
    }),
  );
  return { ...spec, services, secrets };
}
