import { connectionTokens, isHopByHop } from "./forwarded.js";

const REQUEST_ID = "x-request-id";

/**
 * The header lines of an upstream's response as the client gets them, as the flat
 * `[name, value, …]` list `writeHead` takes: the upstream's own lines (`rawHeaders`, so no headers
 * object is built per response) without the hop-by-hop ones, then the security headers and the
 * request id where the upstream did not set them itself (its own values win).
 */
export function relayedHeaderLines(
  rawHeaders: readonly string[],
  security: Readonly<Record<string, string>>,
  requestId: string,
): string[] {
  let connection: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length === 10 && name.toLowerCase() === "connection")
      connection =
        connection === undefined ? rawHeaders[index + 1] : `${connection},${rawHeaders[index + 1]}`;
  }
  const named = connectionTokens(connection);
  const lines: string[] = [];
  let present: Set<string> | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    if (isHopByHop(name, named)) continue;
    if (name === REQUEST_ID || Object.hasOwn(security, name)) {
      present ??= new Set();
      present.add(name);
    }
    lines.push(rawHeaders[index]!, rawHeaders[index + 1]!);
  }
  for (const name of Object.keys(security)) if (!present?.has(name)) lines.push(name, security[name]!);
  if (!present?.has(REQUEST_ID)) lines.push(REQUEST_ID, requestId);
  return lines;
}
