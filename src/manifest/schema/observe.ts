import { isIP } from "node:net";
import { z } from "zod";
import { composeObject } from "./object.js";

/** `127.0.0.1:9470`, `localhost:9470`, `[::1]:9470`: the agent's endpoints leave the machine only through the router. */
function isLoopbackAddress(value: string): boolean {
  const match = /^(?:\[(::1)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (!match || Number(match[3]) > 65535) return false;
  const host = match[1] ?? match[2]!;
  return host === "::1" || host === "localhost" || (isIP(host) === 4 && host.startsWith("127."));
}

const loopbackAddress = (example: string) =>
  z
    .string()
    .refine(
      isLoopbackAddress,
      `must be a loopback host:port such as 127.0.0.1:${example} or [::1]:${example}`,
    );

/** Where a problem with the dashboard's publication is reported from (README: error codes). */
const DASHBOARD = { code: "E_MANIFEST_DASHBOARD" } as const;

/** A DNS name the router can route by and a certificate can name: no IP, port, wildcard or scheme. */
const publicHost = z
  .string()
  .transform((host) => host.toLowerCase())
  .superRefine((host, ctx) => {
    const labels = host.split(".");
    const valid =
      host.length <= 253 &&
      isIP(host) === 0 &&
      labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
    if (!valid)
      ctx.addIssue({
        code: "custom",
        message: `"${host}" is not a host name the router can publish the dashboard on`,
        params: {
          ...DASHBOARD,
          hint: "write a DNS name such as ops.example.com (no scheme, port, path, wildcard or IP address)",
        },
      });
  });

const DASHBOARD_TLS = ["auto", "self-signed", "acme", "files"] as const;
type DashboardTls = (typeof DASHBOARD_TLS)[number];

/** How the published dashboard gets its certificate; plain HTTP is never an option. */
const dashboardTls = z
  .string()
  .superRefine((mode, ctx) => {
    if ((DASHBOARD_TLS as readonly string[]).includes(mode)) return;
    ctx.addIssue({
      code: "custom",
      message:
        mode === "off"
          ? "the dashboard is published over HTTPS only: `tls: off` is not allowed"
          : `"${mode}" is not a TLS mode of the dashboard; allowed: ${DASHBOARD_TLS.join(", ")}`,
      params: { ...DASHBOARD, hint: "use auto (the default), self-signed, acme or files" },
    });
  })
  .transform((mode) => mode as DashboardTls);

/** The web dashboard: where the agent serves it on loopback, and the host the router publishes it on. */
const dashboardObject = composeObject({
  /** Loopback `host:port` of the dashboard. Default: as before, else 127.0.0.1:9471. */
  listen: loopbackAddress("9471").optional(),
  /** Publish it through slipway's router at `https://HOST` (TLS and the login). Default: not published. */
  host: publicHost.optional(),
  /** Certificate of the published host, as a route's `tls` (`off` is refused). Default `auto`. */
  tls: dashboardTls.default("auto"),
});
export type DashboardSettings = z.infer<typeof dashboardObject>;

/** Top-level `x-slipway.observe`. */
export const observe = composeObject({
  /** Loopback `host:port` where the agent serves Prometheus metrics at `/metrics`. Default: not served. */
  metrics: loopbackAddress("9470").optional(),
  /**
   * The web dashboard: a loopback `host:port` (as `{listen}`), or `{listen, host, tls}` to publish it
   * through the router too. Default 127.0.0.1:9471, served once `slipway dashboard` asks.
   */
  dashboard: z
    .union([
      loopbackAddress("9471").transform((listen): DashboardSettings => ({ listen, tls: "auto" })),
      dashboardObject,
    ])
    .optional(),
});
