import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

/** A pass-through that counts bytes and computes their sha256 as they flow. */
export class DigestStream extends Transform {
  private readonly hash = createHash("sha256");
  private count = 0;
  private hex: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest("hex");
    callback();
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.count;
  }

  /** Hex sha256 of everything that passed; only available once the stream has ended. */
  get sha256(): string {
    if (this.hex === undefined) throw new Error("sha256 read before the stream ended");
    return this.hex;
  }
}

/** A pass-through that only counts bytes. */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
