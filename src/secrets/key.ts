import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { SecretError } from "./errors.js";

/** The machine key that seals every secret: an age identity and its public recipient. */
export interface MachineKey {
  readonly identity: string;
  readonly recipient: string;
}

/**
 * Reads the machine key from `file`, creating it (mode 0600, never overwriting one) on first use.
 * The key lives beside the state, never in it: a copied state.db or backup alone reveals nothing.
 */
export async function loadMachineKey(file: string): Promise<MachineKey> {
  // age (and its curves) load on first use: an agent with no secret never pays for them.
  const { generateIdentity, identityToRecipient } = await import("age-encryption");
  if (!existsSync(file)) {
    const identity = await generateIdentity();
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(
          fd,
          `# slipway machine key: seals this machine's secrets. Keep it 0600; back it up apart from the state.\n${identity}\n`,
        );
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      // Another process created it first: use that one.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new SecretError(
      "E_SECRET_KEY",
      `the machine key ${file} is readable by others (mode ${mode.toString(8)})`,
      `chmod 600 ${file}, and rotate every secret if others could have read it`,
    );
  const identity = readFileSync(file, "utf8")
    .split("\n")
    .find((line) => line.startsWith("AGE-SECRET-KEY-"));
  if (!identity)
    throw new SecretError(
      "E_SECRET_KEY",
      `${file} holds no age identity`,
      "restore the key file from its backup",
    );
  return { identity, recipient: await identityToRecipient(identity) };
}
