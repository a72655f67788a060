/** RFC 6455 close code "Going Away": the server is going down or the client navigates away. */
export const CLOSE_GOING_AWAY = 1001;

/**
 * A close frame as a server sends it: FIN + opcode 0x8, unmasked, payload = 2-byte code + reason.
 * The reason is cut to fit the 125-byte limit of control frames.
 */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason).subarray(0, 123);
  const frame = Buffer.alloc(4 + text.length);
  frame[0] = 0x88;
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}

/**
 * Follows the frame boundaries of one direction of a WebSocket, so the router can inject its close
 * frame between two frames, never inside one the upstream is still sending.
 */
export class FrameBoundary {
  private header: Buffer = Buffer.alloc(0);
  private payloadLeft = 0;

  /** True when no frame is partly through. */
  get atBoundary(): boolean {
    return this.header.length === 0 && this.payloadLeft === 0;
  }

  /**
   * Consumes `chunk` and returns how many of its bytes to forward: all of them, or, with
   * `stopAtBoundary`, those up to the end of the frame in progress.
   */
  advance(chunk: Buffer, stopAtBoundary = false): number {
    let offset = 0;
    while (offset < chunk.length) {
      if (stopAtBoundary && this.atBoundary) return offset;
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= take;
        offset += take;
        continue;
      }
      const needed = headerLength(this.header);
      const take = Math.min(needed - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (this.header.length === needed && needed === headerLength(this.header)) {
        this.payloadLeft = payloadLength(this.header);
        this.header = Buffer.alloc(0);
      }
    }
    return offset;
  }
}

/** Bytes of a frame header, as far as the bytes seen so far tell (2 until the length byte is known). */
function headerLength(header: Buffer): number {
  if (header.length < 2) return 2;
  const second = header[1]!;
  const lengthField = second & 0x7f;
  const extended = lengthField === 126 ? 2 : lengthField === 127 ? 8 : 0;
  return 2 + extended + (second & 0x80 ? 4 : 0);
}

function payloadLength(header: Buffer): number {
  const lengthField = header[1]! & 0x7f;
  if (lengthField === 126) return header.readUInt16BE(2);
  if (lengthField === 127) return Number(header.readBigUInt64BE(2));
  return lengthField;
}
