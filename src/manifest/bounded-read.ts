import { readRegularFile } from "../host/read-regular-file.js";

/** Larger Compose and env files are refused: no real one comes near it, and `/dev/zero` never ends. */
export const MAX_MANIFEST_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Reads a text file the manifest names, refusing what is not a regular file (a device such as
 * `/dev/urandom`, a FIFO that would block — opened non-blocking, so even the open cannot hang) and
 * files past `MAX_MANIFEST_FILE_BYTES`, so no input can hang or exhaust `slipway config`.
 */
export function readManifestText(file: string): string {
  return readRegularFile(file, MAX_MANIFEST_FILE_BYTES);
}

/** What a person reads for the codes above and the usual ones. */
export function describeReadError(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EISDIR":
      return "is a directory, not a file";
    case "ENOTREG":
      return "is not a regular file (a device, FIFO or socket)";
    case "EFBIG":
      return `is larger than ${MAX_MANIFEST_FILE_BYTES / 1024 / 1024} MiB`;
    default:
      return `cannot be read (${code ?? "error"})`;
  }
}
