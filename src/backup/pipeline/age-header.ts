import { hkdfSync } from "node:crypto";
import { BackupError, messageOf } from "../errors.js";

/** Bytes of the per-file nonce that follows the age header. */
export const AGE_NONCE_BYTES = 16;
/** Longest age header accepted (a header with hundreds of recipients is still far below). */
export const AGE_MAX_HEADER = 1024 * 1024;

/** The start of an age file (header and nonce) and the key that seals its payload. */
export interface SealedHeader {
  readonly prefix: Buffer;
  readonly payloadKey: Buffer;
}

/**
 * Builds an age v1 header for `recipients` with age-encryption (X25519 `age1…` and the other kinds it
 * knows). The file key is observed through the library's documented custom-recipient hook, so the
 * payload can be sealed with Node's native ChaCha20-Poly1305.
 */
export async function sealAgeHeader(recipients: readonly string[]): Promise<SealedHeader> {
  let fileKey: Uint8Array | undefined;
  // age loads when a backup is encrypted or opened, not with the agent.
  const { Encrypter } = await import("age-encryption");
  const encrypter = new Encrypter();
  encrypter.addRecipient({
    wrapFileKey: (key) => {
      fileKey = Uint8Array.from(key);
      return [];
    },
  });
  for (const recipient of recipients) {
    try {
      encrypter.addRecipient(recipient);
    } catch (error) {
      throw new BackupError(
        "E_BACKUP_CONFIG",
        `"${recipient}" is not an age recipient (${messageOf(error)})`,
        "recipients are age public keys such as age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
      );
    }
  }
  let empty: Uint8Array;
  try {
    empty = await encrypter.encrypt(new Uint8Array(0));
  } catch (error) {
    throw new BackupError(
      "E_BACKUP_CONFIG",
      `cannot encrypt to ${recipients.join(", ")}: ${messageOf(error)}`,
    );
  }
  if (fileKey === undefined) throw new Error("age-encryption did not ask for the file key");
  // An empty age file is header ‖ nonce ‖ one sealed empty chunk (its 16-byte tag).
  const prefix = Buffer.from(empty.subarray(0, empty.length - 16));
  const nonce = prefix.subarray(prefix.length - AGE_NONCE_BYTES);
  return { prefix, payloadKey: payloadKey(fileKey, nonce) };
}

/** Index just past the header's MAC line (`--- …\n`), or -1 when `bytes` does not hold all of it yet. */
export function ageHeaderEnd(bytes: Buffer): number {
  const mac = bytes.indexOf("\n--- ");
  if (mac < 0) return -1;
  const end = bytes.indexOf(0x0a, mac + 1);
  return end < 0 ? -1 : end + 1;
}

/**
 * Unwraps the file key of an age header with `identities` (`AGE-SECRET-KEY-1…`).
 * None matching is `E_BACKUP_DECRYPT`, naming the recipients the backup was made for.
 */
export async function openAgeHeader(
  header: Buffer,
  identities: readonly string[],
  what: string,
  recipients: readonly string[] = [],
): Promise<Uint8Array> {
  const { Decrypter, identityToRecipient } = await import("age-encryption");
  const decrypter = new Decrypter();
  const ours: string[] = [];
  for (const identity of identities) {
    try {
      decrypter.addIdentity(identity);
      ours.push(await identityToRecipient(identity));
    } catch (error) {
      throw new BackupError(
        "E_BACKUP_CONFIG",
        `an identity given to decrypt ${what} is not an age identity (${messageOf(error)})`,
        "identities are age secret keys starting with AGE-SECRET-KEY-1",
      );
    }
  }
  const madeFor = recipients.length > 0 ? ` (it was encrypted to ${recipients.join(", ")})` : "";
  if (identities.length === 0) {
    throw new BackupError(
      "E_BACKUP_DECRYPT",
      `${what} is encrypted and no identity was given to decrypt it${madeFor}`,
      "pass the age identity (AGE-SECRET-KEY-1…) of one of its recipients",
    );
  }
  try {
    return await decrypter.decryptHeader(header);
  } catch (error) {
    const message = messageOf(error);
    if (/no identity matched/i.test(message)) {
      throw new BackupError(
        "E_BACKUP_DECRYPT",
        `none of the identities given (for ${ours.join(", ")}) can decrypt ${what}${madeFor}`,
        "pass the age identity (AGE-SECRET-KEY-1…) of one of the backup's recipients",
        { cause: error },
      );
    }
    throw new BackupError("E_BACKUP_CORRUPT", `the age header of ${what} is damaged: ${message}`, undefined, {
      cause: error,
    });
  }
}

/** age's payload key: HKDF-SHA-256 of the file key, salted with the file's nonce. */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", fileKey, nonce, "payload", 32));
}
