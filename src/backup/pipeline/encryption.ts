import { Readable, Transform, type TransformCallback } from "node:stream";
import { BackupError } from "../errors.js";
import {
  AGE_MAX_HEADER,
  AGE_NONCE_BYTES,
  ageHeaderEnd,
  openAgeHeader,
  payloadKey,
  sealAgeHeader,
} from "./age-header.js";
import { AgePayloadError, AgeStreamOpener, AgeStreamSealer } from "./age-stream.js";

/** A transform that turns plaintext into an age v1 file encrypted to `recipients`. */
export async function encryptor(recipients: readonly string[]): Promise<Transform> {
  const { prefix, payloadKey } = await sealAgeHeader(recipients);
  const sealer = new AgeStreamSealer(payloadKey);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!started) {
        started = true;
        this.push(prefix);
      }
      for (const sealed of sealer.push(chunk)) this.push(sealed);
      callback();
    },
    flush(callback: TransformCallback) {
      if (!started) this.push(prefix);
      callback(null, sealer.end());
    },
  });
}

/**
 * Reads the age header from `source`, unwraps its key with `identities` (rejecting with
 * `E_BACKUP_DECRYPT` before any plaintext exists), and returns the plaintext as a stream.
 * A damaged payload makes the returned stream fail with `E_BACKUP_CORRUPT`.
 */
export async function decryptedStream(
  source: Readable,
  identities: readonly string[],
  what: string,
  recipients: readonly string[] = [],
): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const corrupt = (reason: string) => new BackupError("E_BACKUP_CORRUPT", `${what} is damaged: ${reason}`);
  let head = Buffer.alloc(0);
  let headerEnd = -1;
  try {
    while (headerEnd < 0 || head.length < headerEnd + AGE_NONCE_BYTES) {
      const next = await chunks.next();
      if (next.done) throw corrupt(headerEnd < 0 ? "it ends inside its age header" : "it has no age payload");
      head = Buffer.concat([head, next.value]);
      if (headerEnd < 0) headerEnd = ageHeaderEnd(head);
      if (headerEnd < 0 && head.length > AGE_MAX_HEADER)
        throw corrupt("it does not start with an age header");
    }
    if (!head.subarray(0, 22).equals(Buffer.from("age-encryption.org/v1\n"))) {
      throw corrupt("it does not start with an age header");
    }
    const fileKey = await openAgeHeader(head.subarray(0, headerEnd), identities, what, recipients);
    const opener = new AgeStreamOpener(
      payloadKey(fileKey, head.subarray(headerEnd, headerEnd + AGE_NONCE_BYTES)),
    );
    const rest = head.subarray(headerEnd + AGE_NONCE_BYTES);
    return Readable.from(plaintext(opener, rest, chunks, corrupt), { objectMode: false });
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
}

async function* plaintext(
  opener: AgeStreamOpener,
  rest: Buffer,
  chunks: AsyncIterator<Buffer>,
  corrupt: (reason: string) => BackupError,
): AsyncGenerator<Buffer> {
  try {
    yield* opener.push(rest);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      yield* opener.push(next.value);
    }
    yield opener.end();
  } catch (error) {
    if (error instanceof AgePayloadError) throw corrupt(error.message);
    throw error;
  } finally {
    await chunks.return?.();
  }
}
