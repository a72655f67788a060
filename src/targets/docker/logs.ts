/**
 * Splits the Engine's multiplexed log stream of a non-TTY container (frames of an 8-byte header —
 * stream, 3 zero bytes, big-endian length — then the payload) into the text it carries, in order.
 */
export function demuxLogs(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    // Not a frame header: the container had a TTY, and its log is plain text.
    if (stream === undefined || stream > 2 || buffer.readUIntBE(offset + 1, 3) !== 0)
      return buffer.toString("utf8");
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString("utf8");
}

/** The last `lines` non-empty lines of `text`. */
export const lastLines = (text: string, lines: number): string =>
  text.split("\n").filter(Boolean).slice(-lines).join("\n");
