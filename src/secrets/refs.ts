/**
 * How a value names a secret: `${secret:NAME}` in a Compose file (the latest version, pinned when
 * the release is made) and `${secret:NAME@VERSION}` in a stored release. Interpolation leaves both alone.
 */
const REF = /\$\{secret:([a-zA-Z0-9][a-zA-Z0-9._-]*)(?:@(\d+))?\}/g;

export interface SecretRef {
  readonly name: string;
  /** Absent: not pinned yet (as written in a Compose file). */
  readonly version?: number | undefined;
}

export function secretRefs(value: string): SecretRef[] {
  return [...value.matchAll(REF)].map((m) => ({
    name: m[1]!,
    ...(m[2] !== undefined ? { version: Number(m[2]) } : {}),
  }));
}

export const formatRef = (ref: SecretRef): string =>
  `\${secret:${ref.name}${ref.version === undefined ? "" : `@${ref.version}`}}`;

/** Replaces every reference in `value` with what `replace` returns for it. */
export async function mapRefs(value: string, replace: (ref: SecretRef) => Promise<string>): Promise<string> {
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(REF)) {
    parts.push(value.slice(last, m.index));
    parts.push(await replace({ name: m[1]!, ...(m[2] !== undefined ? { version: Number(m[2]) } : {}) }));
    last = m.index + m[0].length;
  }
  parts.push(value.slice(last));
  return parts.join("");
}

/** Environment names whose values are secrets by convention. */
export const SECRET_NAME =
  /(SECRET|TOKEN|PASSW(OR)?D|PASS$|_KEY$|^KEY$|API_?KEY|PRIVATE|CREDENTIAL|AUTH|DSN|COOKIE|SALT)/i;
/** `scheme://user:password@host`: a URL with a password in it. */
export const URL_PASSWORD = /(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g;

/** Is this environment value a secret that must not be stored in plain text (by its name, or a URL password)? */
export function looksSecret(name: string, value: string): boolean {
  if (value === "" || secretRefs(value).length > 0) return false;
  return SECRET_NAME.test(name) || new RegExp(URL_PASSWORD.source).test(value);
}

/** Label of a top-level secret in a stored release: the store version it was pinned to. */
export const VERSION_LABEL = "slipway.secret-version";
/** Label carrying a `file:`/`environment:` secret's value from the CLI to the agent, which seals it. */
export const VALUE_LABEL = "slipway.secret-value";
