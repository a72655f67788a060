import { isIP } from "node:net";
import { z } from "zod";
import { formatPath, type Problem } from "../../errors.js";
import { isPublished, needsSharedListener, type RouterConfig } from "../model.js";
import { RouterError } from "./errors.js";

const port = z.number().int().min(0).max(65535);
const address = z.object({ host: z.string().min(1), port });
const name = z.string().min(1);
const pathPrefix = z.string().startsWith("/", "a path prefix starts with /").default("/");
const upstreamSet = z.object({
  version: name,
  weight: z.number().min(0).max(100),
  upstreams: z.array(
    z.object({ id: name, host: z.string().min(1), port: port.min(1), state: z.enum(["active", "draining"]) }),
  ),
});
const routeBase = { id: name, project: name, service: name };
const route = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("http"),
    ...routeBase,
    domains: z.array(name).default([]),
    pathPrefix,
    stripPrefix: z.boolean().default(false),
    sets: z.array(upstreamSet),
    drainTimeoutMs: z.number().int().min(0).default(30_000),
    httpsRedirect: z.boolean().default(false),
    /** A published port served by this route alone. */
    listen: address.optional(),
    duringMaintenance: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal("static"),
    ...routeBase,
    domains: z.array(name).default([]),
    pathPrefix,
    root: z.string().min(1),
    spaFallback: z.boolean().default(false),
    httpsRedirect: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal("tcp"),
    ...routeBase,
    listen: address,
    sets: z.array(upstreamSet),
    drainTimeoutMs: z.number().int().min(0).default(30_000),
  }),
]);
const proxyAddress = z.string().refine((entry) => {
  const [ip = "", bits, extra] = entry.split("/");
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}, "expected an IP address or a network such as 10.0.0.0/8");

/** The JSON an admin `PUT /config` accepts; the defaults written in `model.ts` fill what is left out. */
const routerConfigSchema = z.object({
  generation: z.number().int().min(0),
  http: address,
  https: address.optional(),
  routes: z.array(route).default([]),
  tls: z
    .object({
      certificates: z.array(z.object({ domains: z.array(name), certFile: name, keyFile: name })).default([]),
      minVersion: z.enum(["1.2", "1.3"]).default("1.2"),
    })
    .default({ certificates: [], minVersion: "1.2" }),
  acmeChallenges: z.record(z.string(), z.string()).default({}),
  security: z
    .object({
      hstsMaxAgeSeconds: z.number().int().min(0).default(15_552_000),
      contentSecurityPolicy: z.string().default("default-src 'self'"),
      referrerPolicy: z.string().default("strict-origin-when-cross-origin"),
    })
    .prefault({}),
  limits: z
    .object({
      rateLimitPerSecond: z.number().min(0).default(0),
      rateLimitBurst: z.number().min(0).default(0),
      maxBodyBytes: z
        .number()
        .int()
        .min(0)
        .default(10 * 1024 * 1024),
      headersTimeoutMs: z.number().int().min(1).default(30_000),
      idleTimeoutMs: z.number().int().min(1).default(60_000),
      requestTimeoutMs: z.number().int().min(1).default(60_000),
      queueTimeoutMs: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  trustedProxies: z.array(proxyAddress).default([]),
  workers: z.number().int().min(1).max(64).optional(),
  maintenance: z.object({ retryAfterSeconds: z.number().int().min(0), html: z.string() }).optional(),
});

// The schema must produce a RouterConfig; a required field added to the model breaks this line.
const _typed: (value: z.infer<typeof routerConfigSchema>) => RouterConfig = (value) => value;
void _typed;

/** Validates a configuration received as JSON; every problem is reported, with its key path. */
export function parseRouterConfig(input: unknown): RouterConfig {
  const parsed = routerConfigSchema.safeParse(input);
  if (!parsed.success)
    throw configError(
      parsed.error.issues.map((issue) => ({
        code: "E_ROUTER_CONFIG",
        message: `${formatPath(issue.path) || "config"}: ${issue.message}`,
        path: formatPath(issue.path),
      })),
    );
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw configError(problems);
  return parsed.data;
}

function configError(problems: readonly Problem[]): RouterError {
  return new RouterError(
    problems.map((problem) => ({ ...problem, hint: "fix the configuration and PUT it again" })),
  );
}

const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/** Two listeners collide on the same port when their hosts are equal or one is a wildcard. */
function collides(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || WILDCARD.has(a.host) || WILDCARD.has(b.host);
}

/** What a schema cannot see: unique route ids, listeners that would collide. */
function crossChecks(config: RouterConfig): Problem[] {
  const problems: Problem[] = [];
  const listeners: { host: string; port: number; owner: string; path: string }[] = needsSharedListener(config)
    ? [{ ...config.http, owner: "http", path: "http.port" }]
    : [];
  if (config.https) listeners.push({ ...config.https, owner: "https", path: "https.port" });
  const ids = new Set<string>();
  for (const [index, route] of config.routes.entries()) {
    if (ids.has(route.id))
      problems.push({
        code: "E_ROUTER_CONFIG",
        message: `route id ${route.id} appears twice`,
        path: `routes[${index}].id`,
      });
    ids.add(route.id);
    if (route.kind === "tcp" || isPublished(route))
      listeners.push({ ...route.listen, owner: `route ${route.id}`, path: `routes[${index}].listen.port` });
  }
  for (const [index, listener] of listeners.entries()) {
    const earlier = listeners.slice(0, index).find((other) => collides(other, listener));
    if (earlier)
      problems.push({
        code: "E_ROUTER_CONFIG",
        message: `${listener.owner} listens on ${listener.host}:${listener.port}, already used by ${earlier.owner}`,
        path: listener.path,
      });
  }
  return problems;
}
