import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { StaticRoute } from "../model.js";
import { sendResponse } from "./responses.js";
import { pathOf } from "./route-table.js";
import { requestedPath, statInside } from "./static-paths.js";
import { acceptedEncodings, cacheControlOf, contentTypeOf } from "./static-policy.js";

/**
 * Serves a static route: files under `root`, `index.html` for directories, SPA fallback for
 * extension-less paths, validators and 304s, precompressed `.br`/`.gz` siblings.
 * `headers` (security headers, request id) go on every answer.
 */
export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  route: StaticRoute,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const answer = (status: number, body: string, extra: OutgoingHttpHeaders = {}) =>
    sendResponse(response, status, body, { ...headers, ...extra });
  if (request.method !== "GET" && request.method !== "HEAD") {
    answer(405, "method not allowed\n", { allow: "GET, HEAD" });
    return;
  }
  const url = request.url ?? "/";
  const requested = requestedPath(route.pathPrefix, url);
  if (!requested.ok) {
    answer(requested.status, requested.status === 400 ? "bad path\n" : "not found\n");
    return;
  }
  let found = await statInside(route.root, requested.segments);
  if (found?.stats.isDirectory()) {
    const path = pathOf(url);
    if (!path.endsWith("/")) {
      answer(301, "", { location: `${path}/${url.slice(path.length)}` });
      return;
    }
    found = await statInside(route.root, [...requested.segments, "index.html"]);
  }
  const last = requested.segments.at(-1) ?? "";
  if (!found?.stats.isFile() && route.spaFallback && !last.includes("."))
    found = await statInside(route.root, ["index.html"]);
  if (!found?.stats.isFile()) {
    answer(404, "not found\n");
    return;
  }
  await sendFile(request, response, found.path, found.stats, headers);
}

async function regularFile(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  stats: Stats,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const siblings = { br: await regularFile(`${path}.br`), gzip: await regularFile(`${path}.gz`) };
  const encoding = acceptedEncodings(request.headers["accept-encoding"] as string | undefined).find(
    (name) => siblings[name],
  );
  const served = encoding ? siblings[encoding]! : stats;
  const file = encoding ? `${path}.${encoding === "br" ? "br" : "gz"}` : path;
  const etag = `W/"${served.size.toString(16)}-${Math.floor(served.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ""}"`;
  const out: OutgoingHttpHeaders = {
    ...headers,
    "content-type": contentTypeOf(path),
    "cache-control": cacheControlOf(path),
    etag,
    "last-modified": served.mtime.toUTCString(),
  };
  if (siblings.br || siblings.gzip) out.vary = "Accept-Encoding";
  if (encoding) out["content-encoding"] = encoding;
  if (notModified(request, etag, served.mtime)) {
    response.writeHead(304, out);
    response.end();
    return;
  }
  response.writeHead(200, { ...out, "content-length": served.size });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on("error", () => response.destroy());
  stream.pipe(response);
}

/** `If-None-Match` decides when present (weak comparison); otherwise `If-Modified-Since`, to the second. */
function notModified(request: IncomingMessage, etag: string, modified: Date): boolean {
  const tags = request.headers["if-none-match"];
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  if (tags !== undefined)
    return tags.trim() === "*" || tags.split(",").some((tag) => bare(tag) === bare(etag));
  const since = Date.parse(request.headers["if-modified-since"] ?? "");
  return !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}
