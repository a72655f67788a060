import type { BodyFraming } from "./response-head.js";

/** Where the scanner is in a chunked body (RFC 9112 §7.1). */
enum State {
  Size,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  FinalLf,
  Done,
}

const MAX_SIZE_DIGITS = 12;

/**
 * Finds where a chunked body ends without decoding it: the bytes are relayed as they come, and the
 * scanner follows chunk sizes, data, the last chunk and the trailer section, across any split of
 * the bytes into packets. Malformed framing is an error: the connection cannot be reused then.
 */
export class ChunkedScanner {
  private state = State.Size;
  private digits = 0;
  private remaining = 0;
  /** Data bytes seen so far (chunk sizes, extensions, line ends and trailers not counted). */
  data = 0;

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Scans `chunk` from `from`; returns the offset just past the end of the body when it ends in
   * this chunk, -1 when it needs more bytes, -2 on malformed framing.
   */
  scan(chunk: Buffer, from: number): number {
    let i = from;
    while (i < chunk.length) {
      const c = chunk[i]!;
      switch (this.state) {
        case State.Size: {
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return -2;
            this.remaining = this.remaining * 16 + digit;
          } else if (this.digits === 0) return -2;
          else if (c === 0x0d) this.state = State.SizeLf;
          else if (c === 0x3b || c === 0x20 || c === 0x09) this.state = State.Extension;
          else return -2;
          break;
        }
        case State.Extension:
          if (c === 0x0d) this.state = State.SizeLf;
          else if (c < 0x20 && c !== 0x09) return -2;
          break;
        case State.SizeLf:
          if (c !== 0x0a) return -2;
          this.digits = 0;
          this.state = this.remaining === 0 ? State.TrailerStart : State.Data;
          break;
        case State.Data: {
          const take = Math.min(this.remaining, chunk.length - i);
          this.remaining -= take;
          this.data += take;
          i += take;
          if (this.remaining === 0) this.state = State.DataCr;
          continue;
        }
        case State.DataCr:
          if (c !== 0x0d) return -2;
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (c !== 0x0a) return -2;
          this.state = State.Size;
          break;
        case State.TrailerStart:
          if (c === 0x0d) this.state = State.FinalLf;
          else if (c < 0x20 || c === 0x3a) return -2;
          else this.state = State.Trailer;
          break;
        case State.Trailer:
          if (c === 0x0d) this.state = State.TrailerLf;
          else if (c < 0x20 && c !== 0x09) return -2;
          break;
        case State.TrailerLf:
          if (c !== 0x0a) return -2;
          this.state = State.TrailerStart;
          break;
        case State.FinalLf:
          if (c !== 0x0a) return -2;
          this.state = State.Done;
          return i + 1;
        case State.Done:
          return i;
      }
      i++;
    }
    return this.state === State.Done ? i : -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Follows a response body's framing over the chunks it arrives in. */
export class BodyTracker {
  /** The body is complete. */
  ended = false;
  private remaining: number;
  private readonly chunks: ChunkedScanner | undefined;
  private relayed = 0;

  constructor(
    readonly framing: BodyFraming,
    length: number,
  ) {
    this.remaining = length;
    this.chunks = framing === "chunked" ? new ChunkedScanner() : undefined;
  }

  /**
   * The offset just past the body's bytes in `chunk` from `from` (`chunk.length` while it goes
   * on: see `ended`), or -1 on malformed chunked framing.
   */
  scan(chunk: Buffer, from: number): number {
    const end = this.find(chunk, from);
    if (end > from) this.relayed += end - from;
    return end;
  }

  /** The body's own bytes so far, as a client decoding it gets them (an access log's size): chunked framing not counted. */
  get payload(): number {
    return this.chunks ? this.chunks.data : this.relayed;
  }

  private find(chunk: Buffer, from: number): number {
    switch (this.framing) {
      case "none":
        this.ended = true;
        return from;
      case "close":
        return chunk.length;
      case "length": {
        const end = Math.min(chunk.length, from + this.remaining);
        this.remaining -= end - from;
        this.ended = this.remaining === 0;
        return end;
      }
      case "chunked": {
        const end = this.chunks!.scan(chunk, from);
        if (end === -2) return -1;
        if (end === -1) return chunk.length;
        this.ended = true;
        return end;
      }
    }
  }
}
