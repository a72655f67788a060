import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";

/** Default largest file read: Compose and env files are small. */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Reads a user's text file only when it is a regular file of sane size. Opened non-blocking and
 * checked on the descriptor: a FIFO or a device never blocks the reader (the agent, another
 * project's commands), and nothing can swap the file between the check and the read. Refusals are
 * errno-like errors: `ENOTREG` (not a regular file) and `EFBIG` (too large).
 */
export function readRegularFile(path: string, maxBytes = MAX_BYTES): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
    if (!stat.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: "ENOTREG" });
    if (stat.size > maxBytes)
      throw Object.assign(new Error(`${path} is larger than ${maxBytes} bytes`), { code: "EFBIG" });
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
