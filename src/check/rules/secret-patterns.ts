/** Words that make an environment variable name a secret (`POSTGRES_PASSWORD`, `BOT_TOKEN`, `apiKey`). */
const SECRET_WORDS = new Set([
  "PASSWORD",
  "PASSWD",
  "PASS",
  "SECRET",
  "TOKEN",
  "APIKEY",
  "ACCESSKEY",
  "PRIVATEKEY",
]);
/** Words that make a following `KEY` a secret (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`). */
const KEY_PREFIXES = new Set(["API", "PRIVATE", "ACCESS"]);
/** Last words that make the variable describe a secret rather than hold one (`TOKEN_TTL`, `PASSWORD_FILE`). */
const DESCRIBING = new Set(
  "FILE PATH DIR URL URI ENDPOINT HOST PORT ID NAME HEADER TYPE METHOD ALGORITHM TTL TIMEOUT EXPIRY EXPIRES EXPIRATION LIFETIME LENGTH ENABLED REQUIRED".split(
    " ",
  ),
);
/** Values that are settings, not secrets (`true`), or point elsewhere (`/run/secrets/db`, `$VAR` for a shell). */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|\s*)$|^[/$]|^\.\.?\//i;

/** Value shapes that are secrets whatever the variable is called. */
const SECRET_VALUES: readonly (readonly [RegExp, string])[] = [
  [/^\d{6,}:[A-Za-z0-9_-]{30,}$/, "a Telegram bot token"],
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, "a private key"],
  [/(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])/, "an AWS access key"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, "a URL with a password"],
];

/** True when the name says the variable holds a secret. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (DESCRIBING.has(words.at(-1) ?? "")) return false;
  return words.some(
    (word, i) => SECRET_WORDS.has(word) || (word === "KEY" && KEY_PREFIXES.has(words[i - 1] ?? "")),
  );
}

/** What kind of secret the value itself looks like, if any. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
}

/** True when a value written for a secret-named variable is a real literal, not empty or a pointer. */
export function isLiteralSecret(value: string): boolean {
  return !NOT_A_SECRET.test(value);
}
