import { block } from "./syntax.js";

/**
 * Requests too ambiguous to route get 400, as from the builtin router (`http/request-shape.ts`).
 * nginx refuses two `Host` headers itself; these maps catch the rest:
 * - an absolute-form target (`GET http://b/ HTTP/1.1`) whose host is not the `Host` header (nginx
 *   would route by the target and pass a `Host` the upstream never checked). Hosts are compared
 *   without case and without a `:80`/`:443` port, as the builtin router does;
 * - HTTP/0.9 (`GET /` with no version): `$server_protocol` is empty. nginx answers 0.9 without a
 *   status line, so the client gets the 400 page's body only.
 */
export function requestShapeMaps(): string[] {
  return [
    // These variables bring slipway's past the default hash size (nginx warns, `nginx -t` says so).
    "variables_hash_max_size 2048;",
    ...block("map $request $slipway_target_authority", [
      '"~^\\S+\\s+[A-Za-z][A-Za-z0-9+.-]*://([^/?#\\s]*)" $1;',
      'default "";',
    ]),
    ...block('map "$slipway_target_authority $http_host" $slipway_target_mismatch', [
      '"~^ " 0;',
      '"~*^(\\S+?)(:(80|443))? \\1(:(80|443))?$" 0;',
      "default 1;",
    ]),
  ];
}

/** The server-level checks (before any location: nothing is proxied or served first). */
export function requestShapeChecks(): string[] {
  return ['if ($server_protocol = "") { return 400; }', "if ($slipway_target_mismatch) { return 400; }"];
}
