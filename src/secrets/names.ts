import { SecretError } from "./errors.js";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

/** A secret's name becomes a directory: a letter or digit first, then letters, digits, '.', '_', '-'. */
export function checkSecretName(name: string): string {
  if (!NAME.test(name))
    throw new SecretError(
      "E_SECRET_NAME",
      `${JSON.stringify(name)} is not a secret name`,
      "use letters, digits, '.', '_' and '-', starting with a letter or digit (at most 128)",
    );
  return name;
}

/** `bot_token` → `BOT_TOKEN_FILE`: the variable naming the file a secret is delivered in. */
export function fileVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}_FILE`;
}
