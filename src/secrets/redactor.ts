import type { SecretStore } from "./store.js";

/** Shorter values are not hunted for in text: they would hide ordinary words and numbers. */
const MIN_LENGTH = 6;

export const REDACTED_VALUE = "[redacted]";

/**
 * Knows every secret value of the machine (all projects, all versions) and hides them in text that
 * slipway stores or shows: event messages, deploy errors, job output, streamed deploy events. What an
 * app writes to its own log files is the app's output and is not rewritten.
 */
export class SecretRedactor {
  private values: readonly string[] = [];

  constructor(private readonly store: SecretStore) {}

  /** Re-reads the values (after a secret was set or a spec sealed). */
  async refresh(): Promise<void> {
    const found = new Set<string>();
    for (const project of this.store.projects())
      for (const secret of this.store.list(project))
        for (const version of secret.versions) {
          const value = await this.store.get(project, secret.name, version).catch(() => undefined);
          if (value === undefined) continue;
          for (const form of [value, value.trim(), JSON.stringify(value).slice(1, -1)])
            if (form.length >= MIN_LENGTH) found.add(form);
        }
    // Longest first, so a value that contains another is hidden whole.
    this.values = [...found].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(REDACTED_VALUE);
    return out;
  }
}
