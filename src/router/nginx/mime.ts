import { block } from "./syntax.js";

/** Content types of static files; inline so the config does not depend on the distribution's mime.types. */
const TYPES: Readonly<Record<string, string>> = {
  "text/html": "html htm",
  "text/css": "css",
  "text/plain": "txt",
  "text/xml": "xml",
  "text/javascript": "js mjs",
  "application/json": "json map webmanifest",
  "application/wasm": "wasm",
  "application/pdf": "pdf",
  "image/svg+xml": "svg svgz",
  "image/png": "png",
  "image/jpeg": "jpg jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/x-icon": "ico",
  "font/woff": "woff",
  "font/woff2": "woff2",
  "font/ttf": "ttf",
  "font/otf": "otf",
  "audio/mpeg": "mp3",
  "video/mp4": "mp4",
  "video/webm": "webm",
};

export function mimeTypes(): string[] {
  return [
    ...block(
      "types",
      Object.entries(TYPES).map(([type, extensions]) => `${type} ${extensions};`),
    ),
    "default_type application/octet-stream;",
  ];
}
