import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNginx, nginxArgs, nginxBuild, runNginx, streamSupport, versionAtLeast } from "./binary.js";
import { renderNginxConfig } from "./render.js";
import { httpRoute, routerConfig, set, staticRoute, tcpRoute, upstream } from "./test-config.js";
import { makeCertificate } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-nginx-binary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("findNginx", () => {
  it("finds nginx on PATH before the usual places", () => {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "nginx"), "#!/bin/sh\n");
    chmodSync(join(bin, "nginx"), 0o755);
    expect(findNginx(`/nonexistent:${bin}`, ["/usr/sbin/nginx"])).toBe(join(bin, "nginx"));
  });

  it("says how to install nginx when there is none", () => {
    expect(() => findNginx("/nonexistent", [])).toThrow(
      expect.objectContaining({
        code: "E_NGINX_MISSING",
        hint: expect.stringContaining("apt-get install nginx"),
      }),
    );
  });
});

describe("streamSupport", () => {
  it("reads how the stream module was built from nginx -V", () => {
    expect(
      streamSupport("configure arguments: --prefix=/etc/nginx --with-stream --with-http_ssl_module"),
    ).toEqual({
      kind: "built-in",
    });
    expect(
      streamSupport(
        "configure arguments: --prefix=/usr/share/nginx --modules-path=/usr/lib/nginx/modules --with-stream=dynamic",
      ),
    ).toEqual({
      kind: "dynamic",
      candidates: [
        "/usr/lib/nginx/modules/ngx_stream_module.so",
        "/usr/share/nginx/modules/ngx_stream_module.so",
      ],
    });
    expect(streamSupport("configure arguments: --with-http_ssl_module")).toEqual({ kind: "absent" });
  });
});

describe("nginxBuild", () => {
  it("reads the version and compares it numerically", () => {
    expect(nginxBuild("nginx version: nginx/1.22.1\nconfigure arguments: --with-stream").version).toBe(
      "1.22.1",
    );
    expect(nginxBuild("nothing").version).toBeUndefined();
    expect(versionAtLeast("1.22.1", "1.19.5")).toBe(true);
    expect(versionAtLeast("1.19.5", "1.19.5")).toBe(true);
    expect(versionAtLeast("1.18.0", "1.19.5")).toBe(false);
    expect(versionAtLeast("1.9.15", "1.19.5")).toBe(false);
  });
});

describe("nginx -t", () => {
  it("accepts a config using every feature at once", async () => {
    const nginx = findNginx();
    const version = await runNginx(nginx, nginxArgs.version());
    const support = streamSupport(version.output);
    const cert = makeCertificate(dir, "a.test");
    const prefix = join(dir, "prefix");
    mkdirSync(join(prefix, "temp"), { recursive: true });
    const sets = [
      set("r1", 70, [upstream("a", 3001), upstream("b", 3002, "draining")]),
      set("r2", 30, [upstream("c", 3003)]),
    ];
    const config = routerConfig({
      https: { host: "::1", port: 8443 },
      tls: { certificates: [{ domains: ["a.test", "*.a.test"], ...cert }], minVersion: "1.3" },
      acmeChallenges: { tok: "tok.print" },
      trustedProxies: ["10.0.0.0/8", "fd00::/8"],
      limits: { ...routerConfig().limits, rateLimitPerSecond: 2.5, rateLimitBurst: 5 },
      security: {
        hstsMaxAgeSeconds: 60,
        contentSecurityPolicy: `default-src 'self' "$x"`,
        referrerPolicy: "no-referrer",
      },
      maintenance: undefined,
      routes: [
        httpRoute({ id: "api", pathPrefix: "/api/", stripPrefix: true, sets }),
        httpRoute({ id: "api-exact", pathPrefix: "/api", sets }),
        httpRoute({ id: "site", domains: ["a.test", "www.a.test"], httpsRedirect: true, sets }),
        httpRoute({ id: "idle", pathPrefix: "/idle", sets: [set("r1", 0, [upstream("x", 1)])] }),
        staticRoute({ id: "web", pathPrefix: "/app", root: join(dir, "my www") }),
        tcpRoute({ id: "db", listen: { host: "127.0.0.1", port: 5432 }, sets }),
      ],
    });
    const streamModule = support.kind === "dynamic" ? support.candidates[0] : undefined;
    const paths = {
      prefix,
      pidFile: join(prefix, "nginx.pid"),
      accessLog: join(prefix, "access.log"),
      errorLog: join(prefix, "error.log"),
      tempDir: join(prefix, "temp"),
    };
    for (const maintenance of [
      undefined,
      { retryAfterSeconds: 5, html: `<p>"$1" \\ ${"x".repeat(5000)}</p>` },
    ]) {
      const file = join(prefix, "nginx.conf");
      writeFileSync(file, renderNginxConfig({ ...config, maintenance }, paths, { streamModule }));
      const run = await runNginx(nginx, nginxArgs.test(file, prefix));
      expect(run.output).toBe("");
      expect(run.exitCode).toBe(0);
    }
  });
});
