import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Larger Compose and env files are refused: no real one comes near it, and `/dev/zero` never ends. */
export const MAX_MANIFEST_FILE_BYTES = 8 * 1024 * 1024;

/** An errno-style error, so callers report it like the errors `readFileSync` throws. */
function refusal(code: "ENOTREGULAR" | "EFBIG", message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Reads a text file the manifest names, refusing what is not a regular file (a device such as
 * `/dev/urandom`, a FIFO that would block) and files past `MAX_MANIFEST_FILE_BYTES`, so no input
 * can hang or exhaust `slipway config`.
 */
export function readManifestText(file: string): string {
  const fd = openSync(file, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: "EISDIR" });
    if (!stat.isFile()) throw refusal("ENOTREGULAR", `${file} is not a regular file`);
    if (stat.size > MAX_MANIFEST_FILE_BYTES) throw refusal("EFBIG", `${file} is larger than 8 MiB`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** What a person reads for the codes above and the usual ones. */
export function describeReadError(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTREGULAR":
      return "is not a regular file (a device, FIFO or socket)";
    case "EFBIG":
      return `is larger than ${MAX_MANIFEST_FILE_BYTES / 1024 / 1024} MiB`;
    default:
      return `cannot be read (${code ?? "error"})`;
  }
}
