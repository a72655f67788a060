import { describe, expect, it } from "vitest";
import type { RouterConfig } from "../model.js";
import { renderNginxConfig } from "./render.js";
import { httpRoute, PATHS, routerConfig, set, staticRoute, tcpRoute, upstream } from "./test-config.js";
import { upstreamName } from "./upstreams.js";

const render = (config: RouterConfig, options = {}) => renderNginxConfig(config, PATHS, options);

/** The text of every `head {…}` block (found by its indentation, as rendered). */
function blocks(conf: string, head: string): string[] {
  const found: string[] = [];
  const lines = conf.split("\n");
  lines.forEach((line, index) => {
    const indent = line.slice(0, line.length - line.trimStart().length);
    if (line.trimStart() !== `${head} {`) return;
    const end = lines.findIndex((l, i) => i > index && l === `${indent}}`);
    found.push(lines.slice(index, end + 1).join("\n"));
  });
  return found;
}

const api = httpRoute({
  id: "shop/api/0",
  pathPrefix: "/api",
  stripPrefix: true,
  sets: [
    set("r1", 90, [upstream("a", 3001), upstream("b", 3002, "draining")]),
    set("r2", 10, [upstream("c", 3003)]),
    set("r3", 0, [upstream("d", 3004)]),
  ],
});

const tlsConfig = (minVersion: "1.2" | "1.3") =>
  routerConfig({
    https: { host: "127.0.0.1", port: 8443 },
    tls: { certificates: [{ domains: ["a.test"], certFile: "/c/a.crt", keyFile: "/c/a.key" }], minVersion },
    acmeChallenges: { tok_1: "tok_1.thumb" },
    routes: [httpRoute({ id: "shop/web/0", domains: ["a.test"], httpsRedirect: true, sets: api.sets })],
  });

describe("renderNginxConfig", () => {
  it("writes the process settings and the paths", () => {
    const conf = render(routerConfig(), { workerProcesses: 4, user: "nobody nogroup" });
    expect(conf).toMatch(/^# slipway generation 1/);
    expect(conf).toContain("worker_processes 4;");
    expect(conf).toContain("user nobody nogroup;");
    expect(conf).toContain('pid "/srv/nginx/nginx.pid";');
    expect(conf).toContain('error_log "/srv/nginx/logs/error.log" notice;');
    expect(conf).toContain('access_log "/srv/nginx/logs/access.log" slipway buffer=64k flush=100ms;');
    expect(conf).toContain('proxy_temp_path "/srv/nginx/temp/proxy";');
    expect(blocks(conf, "events")).toHaveLength(1);
    expect(render(routerConfig())).toContain("worker_processes 1;");
    // x-slipway.router.workers reaches nginx through the configuration, which wins over the option.
    expect(render(routerConfig({ workers: 2 }), { workerProcesses: 4 })).toContain("worker_processes 2;");
  });

  it("forwards without a map per request when no proxy is trusted", () => {
    const conf = render(routerConfig());
    expect(conf).toContain("proxy_set_header X-Forwarded-For $realip_remote_addr;");
    expect(conf).toContain("proxy_set_header X-Forwarded-Proto $scheme;");
    expect(conf).not.toContain("$slipway_trusted_peer");
    expect(conf).toMatch(/proxy_set_header Forwarded "for=\$\{slipway_forwarded_peer\};proto=\$scheme/);
  });

  it("gives each route one upstream group weighted by set, without draining or weight-0 instances", () => {
    const conf = render(routerConfig({ routes: [api] }));
    const [group] = blocks(conf, `upstream ${upstreamName("http", "shop/api/0")}`);
    expect(group).toContain("server 127.0.0.1:3001 weight=9 max_fails=1 fail_timeout=10s;");
    expect(group).toContain("server 127.0.0.1:3003 weight=1 max_fails=1 fail_timeout=10s;");
    expect(group).not.toContain(":3002");
    expect(group).not.toContain(":3004");
    expect(group).toContain("keepalive 32;");
    expect(conf).toContain(`proxy_pass http://${upstreamName("http", "shop/api/0")}/;`);
  });

  it("answers 503 instead of proxying a route with no instance to take requests", () => {
    const idle = httpRoute({ id: "shop/idle/0", sets: [set("r1", 0, [upstream("a", 3001)])] });
    const conf = render(routerConfig({ routes: [idle] }));
    expect(blocks(conf, `upstream ${upstreamName("http", "shop/idle/0")}`)).toEqual([]);
    const [location] = blocks(conf, "location /");
    expect(location).toContain("return 503");
    expect(location).toContain("add_header Retry-After 10 always;");
  });

  it("proxies HTTP/1.1 with keep-alive, WebSocket upgrades and retries of idempotent requests only", () => {
    const conf = render(routerConfig({ routes: [api] }));
    expect(conf).toContain("proxy_http_version 1.1;");
    expect(blocks(conf, "map $http_upgrade $slipway_connection")[0]).toContain('"" "";');
    expect(conf).toContain("proxy_set_header Connection $slipway_connection;");
    expect(conf).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(conf).toContain("proxy_next_upstream error timeout;");
    expect(conf).not.toContain("non_idempotent");
    const [upgrade] = blocks(conf, "location @slipway_upgrade_0");
    expect(upgrade).toContain('rewrite "^/api(?:/(.*))?$" /$1 break;');
    expect(upgrade).toContain("proxy_read_timeout 1d;");
  });

  it("matches prefixes by whole segments", () => {
    const conf = render(routerConfig({ routes: [api] }));
    expect(blocks(conf, "location = /api")).toHaveLength(1);
    expect(blocks(conf, "location ^~ /api/")).toHaveLength(1);
  });

  it("forwards client details, trusting only the configured proxies", () => {
    const conf = render(routerConfig({ trustedProxies: ["10.0.0.0/8", "fd00::1"] }));
    expect(conf).toContain("set_real_ip_from 10.0.0.0/8;");
    expect(conf).toContain("set_real_ip_from fd00::1;");
    expect(conf).toContain("real_ip_recursive on;");
    expect(blocks(conf, "geo $realip_remote_addr $slipway_trusted_peer")[0]).toContain("10.0.0.0/8 1;");
    expect(conf).toContain("proxy_set_header X-Request-Id $slipway_request_id;");
    expect(conf).toMatch(/proxy_set_header Forwarded ".*for=\$\{slipway_forwarded_peer\};proto=\$scheme/);
    expect(render(routerConfig())).not.toContain("set_real_ip_from");
  });

  it("adds security headers to every location, HSTS only on HTTPS", () => {
    const conf = render(tlsConfig("1.2"));
    const [httpServer, httpsServer] = blocks(conf, "server").filter((s) => s.includes("server_name a.test;"));
    expect(httpServer).toContain("add_header X-Content-Type-Options $slipway_header_nosniff always;");
    expect(httpServer).not.toContain("Strict-Transport-Security");
    expect(httpsServer).toContain("add_header Strict-Transport-Security $slipway_header_hsts always;");
    expect(blocks(conf, "map $upstream_http_strict_transport_security $slipway_header_hsts")[0]).toContain(
      '"" "max-age=15552000; includeSubDomains";',
    );
    const noHsts = render({
      ...tlsConfig("1.2"),
      security: { ...tlsConfig("1.2").security, hstsMaxAgeSeconds: 0 },
    });
    expect(noHsts).not.toContain("Strict-Transport-Security");
  });

  it("limits rate per client IP, body size and timeouts", () => {
    const limits = {
      ...routerConfig().limits,
      rateLimitPerSecond: 5,
      rateLimitBurst: 20,
      maxBodyBytes: 1_048_576,
    };
    const conf = render(routerConfig({ limits }));
    expect(conf).toContain("limit_req_zone $binary_remote_addr zone=slipway_rate:10m rate=5r/s;");
    expect(conf).toContain("limit_req zone=slipway_rate burst=19 nodelay;");
    expect(conf).toContain("limit_req_status 429;");
    expect(blocks(conf, "location @slipway_rate_limited")[0]).toContain("add_header Retry-After 1 always;");
    expect(conf).toContain("client_max_body_size 1048576;");
    expect(conf).toContain("client_header_timeout 30000ms;");
    expect(conf).toContain("keepalive_timeout 60000ms;");
    expect(conf).toContain("proxy_read_timeout 60000ms;");
    expect(render(routerConfig({ limits: { ...limits, rateLimitPerSecond: 0.5 } }))).toContain("rate=30r/m;");
    expect(render(routerConfig())).not.toContain("limit_req");
  });

  it("serves static routes with alias or root, SPA fallback, precompressed files and cache headers", () => {
    const app = staticRoute({ id: "shop/web/0", pathPrefix: "/app", root: "/srv/www/" });
    const conf = render(routerConfig({ routes: [app] }));
    const [location] = blocks(conf, "location ^~ /app/");
    expect(location).toContain('alias "/srv/www/";');
    expect(location).toContain("try_files $uri $uri/ /app/index.html;");
    expect(location).toContain("gzip_static on;");
    expect(location).toContain("add_header Cache-Control $slipway_static_cache always;");
    expect(blocks(conf, "location = /app")[0]).toContain("return 301 /app/$is_args$args;");
    expect(blocks(conf, "map $uri $slipway_static_cache")[0]).toContain("immutable");

    const root = render(routerConfig({ routes: [{ ...app, pathPrefix: "/", spaFallback: false }] }));
    expect(blocks(root, "location /")[0]).toContain('root "/srv/www";');
    expect(blocks(root, "location /")[0]).toContain("try_files $uri $uri/ =404;");
  });

  it("serves HTTPS per certificate by SNI, TLS 1.2+ or 1.3 only", () => {
    const conf = render(tlsConfig("1.2"));
    const https = blocks(conf, "server").filter((s) => s.includes(" ssl"));
    expect(https[0]).toContain("listen 127.0.0.1:8443 ssl default_server;");
    const named = https.find((s) => s.includes("server_name a.test;"));
    expect(named).toContain('ssl_certificate "/c/a.crt";');
    expect(named).toContain('ssl_certificate_key "/c/a.key";');
    expect(conf).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(conf).toMatch(/ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:[^;]*CHACHA20-POLY1305;/);
    expect(render(tlsConfig("1.3"))).toContain("ssl_protocols TLSv1.3;");
    const noCertificate = render({ ...tlsConfig("1.2"), tls: { certificates: [], minVersion: "1.2" } });
    expect(noCertificate).toContain("ssl_reject_handshake on;");
    expect(render(routerConfig())).not.toContain("ssl_");
  });

  it("redirects HTTP to HTTPS except ACME challenges, which it answers", () => {
    const conf = render(tlsConfig("1.2"));
    const [httpServer] = blocks(conf, "server").filter((s) => s.includes("server_name a.test;"));
    expect(blocks(httpServer!, "location /")[0]).toContain("return 308 https://$host:8443$request_uri;");
    const [challenge] = blocks(httpServer!, "location = /.well-known/acme-challenge/tok_1");
    expect(challenge).toContain('return 200 "tok_1.thumb";');
    expect(blocks(httpServer!, "location ^~ /.well-known/acme-challenge/")[0]).toContain("return 404");
    const https443 = render({ ...tlsConfig("1.2"), https: { host: "0.0.0.0", port: 443 } });
    expect(https443).toContain("return 308 https://$host$request_uri;");
  });

  it("answers 503 with the maintenance page and Retry-After, keeping ACME", () => {
    const html = `<h1>back soon</h1>${"x".repeat(2500)}`;
    const conf = render({ ...tlsConfig("1.2"), maintenance: { retryAfterSeconds: 60, html } });
    expect(blocks(conf, "geo $slipway_maintenance_0")[0]).toContain('default "<h1>back soon</h1>');
    expect(blocks(conf, "geo $slipway_maintenance_2")).toHaveLength(1);
    const [httpServer] = blocks(conf, "server").filter((s) => s.includes("server_name a.test;"));
    const [location] = blocks(httpServer!, "location /");
    expect(location).toContain("add_header Retry-After 60 always;");
    expect(location).toContain(
      `return 503 "\${slipway_maintenance_0}\${slipway_maintenance_1}\${slipway_maintenance_2}";`,
    );
    expect(conf).not.toContain("return 308");
    expect(conf).toContain('return 200 "tok_1.thumb";');
  });

  it("forwards TCP routes in a stream block, loading the module when told where", () => {
    const db = tcpRoute({
      id: "shop/db/0",
      listen: { host: "127.0.0.1", port: 5432 },
      sets: [set("r1", 1, [upstream("db.0", 15432)])],
    });
    const conf = render(routerConfig({ routes: [db] }), {
      streamModule: "/usr/lib/nginx/modules/ngx_stream_module.so",
    });
    expect(conf).toContain('load_module "/usr/lib/nginx/modules/ngx_stream_module.so";');
    const [stream] = blocks(conf, "stream");
    expect(stream).toContain("listen 127.0.0.1:5432;");
    expect(stream).toContain(`proxy_pass ${upstreamName("tcp", "shop/db/0")};`);
    expect(stream).toContain("server 127.0.0.1:15432 weight=1");
    expect(blocks(render(routerConfig()), "stream")).toEqual([]);
    expect(render(routerConfig(), { streamModule: "/x.so" })).not.toContain("load_module");
  });

  it("lets old workers keep WebSockets for a day, or the longest drain timeout if longer", () => {
    // Not the drain timeout: a reload would cut WebSockets of instances that are not leaving.
    const slow = { ...api, id: "shop/slow/0", pathPrefix: "/slow", drainTimeoutMs: 45_000 };
    expect(render(routerConfig({ routes: [api, slow] }))).toContain("worker_shutdown_timeout 86400000ms;");
    const slower = { ...slow, drainTimeoutMs: 90_000_000 };
    expect(render(routerConfig({ routes: [api, slower] }))).toContain("worker_shutdown_timeout 90000000ms;");
  });

  it("escapes the texts that nginx expands", () => {
    const security = { ...routerConfig().security, contentSecurityPolicy: `script-src 'nonce-$x' "a\\b"` };
    const conf = render(routerConfig({ security }));
    expect(conf).toContain(`"" "script-src 'nonce-\${slipway_dollar}x' \\"a\\\\b\\"";`);
    expect(conf).toContain('geo $slipway_dollar {\n    default "$";');
  });

  it.each([
    [
      "a domain with a semicolon",
      { routes: [{ ...api, domains: ["a.test; return 200"] }] },
      "routes[0].domains[0]",
    ],
    ["a domain with a space", { routes: [{ ...api, domains: ["a .test"] }] }, "routes[0].domains[0]"],
    ["a path with a brace", { routes: [{ ...api, pathPrefix: "/api{" }] }, "routes[0].pathPrefix"],
    ["a path with a space", { routes: [{ ...api, pathPrefix: "/a b" }] }, "routes[0].pathPrefix"],
    ["a path with %-escapes", { routes: [{ ...api, pathPrefix: "/a%20b" }] }, "routes[0].pathPrefix"],
    ["a path with ..", { routes: [{ ...api, pathPrefix: "/a/../b" }] }, "routes[0].pathPrefix"],
    ["a relative static root", { routes: [staticRoute({ id: "w", root: "www" })] }, "routes[0].root"],
    ["a static root with $", { routes: [staticRoute({ id: "w", root: "/srv/$host" })] }, "routes[0].root"],
    ["an ACME token with a quote", { acmeChallenges: { 'a"b': "a.b" } }, 'acmeChallenges.a"b'],
    ["a key authorization with a quote", { acmeChallenges: { ab: 'ab."; x' } }, "acmeChallenges.ab"],
    [
      "a header with a line break",
      { security: { ...routerConfig().security, referrerPolicy: "a\nb" } },
      "security.referrerPolicy",
    ],
    ["a trusted proxy that is no address", { trustedProxies: ["10.0.0.0/33"] }, "trustedProxies[0]"],
    ["a port out of range", { http: { host: "127.0.0.1", port: 70000 } }, "http.port"],
    ["two routes with one id", { routes: [api, api] }, "routes[1].id"],
    [
      "a TCP route on the HTTP port",
      { routes: [tcpRoute({ id: "t", listen: { host: "0.0.0.0", port: 8080 }, sets: [] })] },
      "routes[0].listen",
    ],
  ] as const)("refuses %s with E_NGINX_CONFIG naming the key", (_, overrides, path) => {
    expect(() => render(routerConfig(overrides as Partial<RouterConfig>))).toThrow(
      expect.objectContaining({ code: "E_NGINX_CONFIG", path }),
    );
  });
});
