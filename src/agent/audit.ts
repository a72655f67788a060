import type { IncomingMessage, ServerResponse } from "node:http";
import { SlipwayError } from "../errors.js";
import type { StateStore } from "../state/index.js";
import { bodyOf, type Handler } from "./http.js";

/** API routes that are operator actions, and the name each gets in the audit log. */
const ACTIONS: Readonly<Record<string, string>> = {
  "POST /v1/deploy": "deploy",
  "POST /v1/rollback": "rollback",
  "POST /v1/restart": "restart",
  "POST /v1/down": "down",
  "POST /v1/orphans/remove": "orphans.remove",
  "POST /v1/run": "run",
  "POST /v1/promote": "promote",
  "POST /v1/abort": "abort",
  "POST /v1/maintenance": "maintenance",
  "POST /v1/secrets/set": "secret.set",
  "POST /v1/secrets/rm": "secret.rm",
  "POST /v1/secrets/rotate": "secret.rotate",
  "POST /v1/backups/run": "backup.run",
  "POST /v1/backups/restore": "backup.restore",
  "POST /v1/backups/prune": "backup.prune",
  "POST /v1/shutdown": "agent.stop",
  "POST /v1/dashboard": "dashboard.login",
};

/** How a streamed action (a deploy) ended, set by the stream before it closes. */
const streamed = new WeakMap<ServerResponse, { status: string; error?: string | undefined }>();

export function recordStreamOutcome(res: ServerResponse, status: string, error?: string): void {
  streamed.set(res, { status, error });
}

/** The arguments as the log keeps them: never a secret's value, and a spec only by its project and services. */
export function auditArgs(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object") return {};
  const { value: _value, spec, ...rest } = body as Record<string, unknown>;
  if (typeof spec !== "string") return rest;
  try {
    const parsed = JSON.parse(spec) as { services?: Record<string, unknown> };
    return { ...rest, services: Object.keys(parsed.services ?? {}) };
  } catch {
    return rest;
  }
}

function projectOf(body: unknown): string | undefined {
  const { project, spec } = (body ?? {}) as { project?: unknown; spec?: unknown };
  if (typeof project === "string") return project;
  if (typeof spec !== "string") return undefined;
  try {
    return (JSON.parse(spec) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** A call refused for its caller: recorded when it asked for an operator action (arguments unread). */
export function auditRefusal(store: StateStore, route: string, actor: string, error: SlipwayError): void {
  const action = ACTIONS[route];
  if (action)
    store.addAudit({ actor, action, args: {}, outcome: "refused", error: `${error.code}: ${error.message}` });
}

/**
 * Wraps an action's handler so that every call lands in the append-only audit log with its caller
 * (named from the socket's peer credentials, never from what the caller says), arguments and outcome.
 */
export function audited(
  store: StateStore,
  route: string,
  handler: Handler,
  actorOf: (req: IncomingMessage) => string,
): Handler {
  const action = ACTIONS[route];
  if (!action) return handler;
  return async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    let failure: unknown;
    try {
      await handler(req, res, query);
    } catch (error) {
      failure = error;
    }
    const body = bodyOf(req);
    const stream = streamed.get(res);
    const code = failure instanceof SlipwayError ? failure.code : failure ? "E_AGENT_INTERNAL" : undefined;
    store.addAudit({
      actor: actorOf(req),
      project: projectOf(body),
      action,
      args: auditArgs(body),
      outcome: failure
        ? code?.startsWith("E_API")
          ? "refused"
          : "failed"
        : stream && stream.status !== "succeeded"
          ? "failed"
          : "succeeded",
      error: failure ? `${code}: ${(failure as Error).message}` : stream?.error,
    });
    if (failure) throw failure;
  };
}
