import { createCipheriv, createDecipheriv } from "node:crypto";

/** age's payload chunk size (plaintext); each sealed chunk carries a 16-byte Poly1305 tag. */
const CHUNK = 64 * 1024;
const TAG = 16;

/** age's STREAM nonce: an 11-byte big-endian chunk counter and a last-chunk flag. */
function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(counter), 3);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * Seals the age payload (STREAM, ChaCha20-Poly1305 in 64 KiB chunks) with Node's native cipher;
 * the pure-JS cipher of age-encryption runs at a small fraction of the speed of a database dump.
 */
export class AgeStreamSealer {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private counter = 0;

  constructor(private readonly key: Buffer) {}

  /** Sealed chunks that are complete; a full chunk is held back until more data proves it is not the last. */
  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.used === CHUNK) {
        out.push(this.seal(this.buffer, false));
        this.used = 0;
      }
      const n = Math.min(CHUNK - this.used, data.length - offset);
      data.copy(this.buffer, this.used, offset, offset + n);
      this.used += n;
      offset += n;
    }
    return out;
  }

  /** The last chunk (empty only when the whole payload is empty). */
  end(): Buffer {
    return this.seal(this.buffer.subarray(0, this.used), true);
  }

  private seal(plaintext: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv("chacha20-poly1305", this.key, chunkNonce(this.counter++, last), {
      authTagLength: TAG,
    });
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
}

/** Why an age payload could not be opened. */
export class AgePayloadError extends Error {}

/** Opens an age payload sealed by `AgeStreamSealer` (or any age implementation). */
export class AgeStreamOpener {
  private readonly buffer = Buffer.allocUnsafe(CHUNK + TAG);
  private used = 0;
  private counter = 0;

  constructor(private readonly key: Buffer) {}

  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.used === this.buffer.length) {
        out.push(this.open(this.buffer, false));
        this.used = 0;
      }
      const n = Math.min(this.buffer.length - this.used, data.length - offset);
      data.copy(this.buffer, this.used, offset, offset + n);
      this.used += n;
      offset += n;
    }
    return out;
  }

  end(): Buffer {
    if (this.used < TAG) throw new AgePayloadError("the encrypted payload is truncated");
    const plaintext = this.open(this.buffer.subarray(0, this.used), true);
    if (plaintext.length === 0 && this.counter > 1) {
      throw new AgePayloadError("the encrypted payload ends with an empty chunk");
    }
    return plaintext;
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const index = this.counter++;
    const decipher = createDecipheriv("chacha20-poly1305", this.key, chunkNonce(index, last), {
      authTagLength: TAG,
    });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
    } catch {
      throw new AgePayloadError(`encrypted chunk ${index} fails authentication (altered or truncated)`);
    }
  }
}
