import type { AppSpec } from "../manifest/model.js";

/** Environment names whose values are secrets by convention. */
const SECRET_NAME =
  /(SECRET|TOKEN|PASSW(OR)?D|PASS$|_KEY$|^KEY$|API_?KEY|PRIVATE|CREDENTIAL|AUTH|DSN|COOKIE|SALT)/i;
/** `scheme://user:password@host`: the password part. */
const URL_PASSWORD = /(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g;

export const REDACTED = "[redacted]";

/** One environment value as it may be shown: secret-named values hidden, passwords in URLs hidden. */
export function redactValue(name: string, value: string | null): string | null {
  if (value === null) return null;
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
  return { ...spec, services };
}
