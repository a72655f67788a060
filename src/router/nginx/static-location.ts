import type { RouterConfig, StaticRoute } from "../model.js";
import { responseHeaderLines } from "./headers.js";
import { block, quoteLiteral } from "./syntax.js";
import { absolutePath } from "./validate.js";

const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * `Cache-Control` of static files by name: a content hash in the name (`app.3f9a8c1d.js`,
 * `index-B2x_kQ-9.js`: 8+ characters with a digit after `.` or `-`) never changes → cached for a
 * year; anything else, HTML above all, is revalidated on every use.
 */
export function staticCacheMap(): string[] {
  return block("map $uri $slipway_static_cache", [
    `"~[.-](?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9]+$" "${IMMUTABLE}";`,
    'default "no-cache";',
  ]);
}

/**
 * Body of a static route's location: `root` (prefix `/`) or `alias`, `index.html`, precompressed
 * `.gz` files, no dotfiles (but `.well-known`), and for single-page apps `index.html` for unknown
 * paths without a file extension.
 */
export function staticBody(
  route: StaticRoute,
  index: number,
  prefix: string,
  config: RouterConfig,
  https: boolean,
): string[] {
  const directory = absolutePath(route.root, `routes[${index}].root`).replace(/\/+$/, "");
  const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
  const files =
    prefix === "/"
      ? `root ${quoteLiteral(directory || "/", `routes[${index}].root`)};`
      : `alias ${quoteLiteral(`${directory}/`, `routes[${index}].root`)};`;
  return [
    files,
    "index index.html;",
    "gzip_static on;",
    "charset utf-8;",
    ...responseHeaderLines(config.security, https),
    "add_header Cache-Control $slipway_static_cache always;",
    ...block('location ~ "/\\.(?!well-known(?:/|$))"', ["return 404;"]),
    ...(route.spaFallback
      ? [
          ...block('location ~ "[^/]\\.[^/]*$"', ["try_files $uri =404;"]),
          `try_files $uri $uri/ ${base}index.html;`,
        ]
      : ["try_files $uri $uri/ =404;"]),
  ];
}

/** `/app` → `/app/` for a static route mounted at `/app`, so relative links in its pages resolve. */
export function directoryRedirectBody(prefix: string, config: RouterConfig, https: boolean): string[] {
  return [...responseHeaderLines(config.security, https), `return 301 ${prefix}/$is_args$args;`];
}
