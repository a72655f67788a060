import { existsSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { SlipwayError } from "../errors.js";
import { type PeerCredentials, peerCredentials } from "../host/peer-credentials.js";
import { deserializeAppSpec } from "../manifest/serialize.js";
import { decodeRelease } from "../release/content.js";
import { redactSpec } from "../release/redact.js";
import { sealSpec } from "../secrets/seal.js";
import { secretStoreIn } from "../secrets/store.js";
import type { Agent } from "./agent.js";
import { alertRoutes } from "./alert-routes.js";
import { audited, auditRefusal, recordStreamOutcome } from "./audit.js";
import { preMigrationBackups } from "./backups/pre-migrate-record.js";
import { backupRoutes } from "./backups/routes.js";
import { buildId } from "./client.js";
import { DashboardHost } from "./dashboard-host.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { engineLogRoutes } from "./engine-log-routes.js";
import {
  type Handler,
  readJson,
  requireParam,
  type StreamDeploy,
  sendError,
  sendJson,
  startStream,
} from "./http.js";
import { orphanRoutes, orphansOf } from "./orphan-routes.js";
import { secretRoutes } from "./secret-routes.js";
import { admits, applySocketMode, describePeer, forbidden, type SocketAccess } from "./socket-access.js";
import { engineLogs, projectStatus, withEngineTasks } from "./status.js";

/** The agent's HTTP API on its unix socket (see api.ts for the shapes). */
export function agentRoutes(
  agent: Agent,
  shutdown: () => void,
): { routes: Record<string, Handler>; dashboard: DashboardHost } {
  const secrets = secretStoreIn(agent.paths.home);
  const stream: StreamDeploy = (res, run) => streamDeploy(res, run, (text) => agent.redactor.redact(text));
  // The dashboard calls these same routes (the CLI's code), so it needs the finished table.
  const routes: Record<string, Handler> = {
    "GET /v1/status": async (_req, res) =>
      sendJson(res, 200, {
        pid: process.pid,
        build: buildId(),
        home: agent.paths.home,
        projects: agent.specs.projects(),
      }),
    "POST /v1/deploy": async (req, res) => {
      const body = (await readJson(req)) as { spec?: string };
      if (typeof body.spec !== "string")
        throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "deploy needs {spec}" });
      // Secret values leave the spec here, before anything stores it: the release keeps references.
      const spec = await sealSpec(secrets, deserializeAppSpec(body.spec));
      await agent.redactor.refresh();
      await stream(res, (emit) => agent.deploy(spec, emit));
    },
    "POST /v1/plan": async (req, res) => {
      const body = (await readJson(req)) as { spec?: string };
      if (typeof body.spec !== "string")
        throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "plan needs {spec}" });
      const spec = await sealSpec(secrets, deserializeAppSpec(body.spec), { dryRun: true });
      sendJson(res, 200, { plan: await agent.plan(spec) });
    },
    "POST /v1/rollback": async (req, res) => {
      const body = (await readJson(req)) as {
        project?: string;
        release?: string;
        restoreData?: boolean;
        identities?: string[];
      };
      if (!body.project)
        throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "rollback needs {project}" });
      await stream(res, (emit) =>
        agent.deploy(undefined, emit, {
          project: body.project!,
          releaseId: body.release,
          ...(body.restoreData ? { restoreData: { identities: body.identities ?? [] } } : {}),
        }),
      );
    },
    ...backupRoutes(agent),
    ...alertRoutes(agent),
    ...orphanRoutes(agent),
    ...engineLogRoutes(agent),
    ...secretRoutes(agent, secrets, stream),
    "GET /v1/audit": async (_req, res, query) =>
      sendJson(res, 200, {
        entries: agent.store.listAudit({
          since: query.has("since") ? Number(query.get("since")) : undefined,
          project: query.get("project") ?? undefined,
        }),
      }),
    "GET /v1/ps": async (_req, res, query) => {
      const project = requireParam(query, "project");
      sendJson(res, 200, {
        ...(await withEngineTasks(agent, projectStatus(agent.store, agent.specs, project))),
        ...(await orphansOf(agent, project)),
      });
    },
    "GET /v1/engine-logs": async (_req, res, query) =>
      sendJson(
        res,
        200,
        await engineLogs(
          agent,
          requireParam(query, "project"),
          query.get("service") ?? undefined,
          Number(query.get("tail") ?? 100),
        ),
      ),
    "GET /v1/releases": async (_req, res, query) => {
      const project = requireParam(query, "project");
      const withSpec = query.get("spec") === "1";
      const releases = agent.store.listReleases(project).map(({ spec, ...release }) => ({
        ...release,
        // The frozen spec as the release holds it, secret values redacted.
        ...(withSpec ? { spec: redactSpec(decodeRelease(spec).spec) } : {}),
        // Backups taken before this release's migrations (what `rollback --restore-data` restores).
        preMigrationBackups: preMigrationBackups(agent.store, project, release.id),
      }));
      sendJson(res, 200, { project, releases, deploys: agent.store.listDeploys(project, 20) });
    },
    "GET /v1/events": async (_req, res, query) => {
      const afterId = Number(query.get("after") ?? 0);
      sendJson(res, 200, {
        events: agent.store.listEvents(requireParam(query, "project"), {
          afterId,
          service: query.get("service") ?? undefined,
        }),
      });
    },
    "POST /v1/down": async (req, res) => {
      const { project, purge } = (await readJson(req)) as { project?: string; purge?: boolean };
      sendJson(res, 200, { stopped: await agent.down(project ?? "", purge === true) });
    },
    "POST /v1/restart": async (req, res) => {
      const { project, service } = (await readJson(req)) as { project?: string; service?: string };
      await agent.restart(project ?? "", service);
      sendJson(res, 200, { ok: true });
    },
    "POST /v1/run": async (req, res) => {
      const { project, service, command } = (await readJson(req)) as {
        project?: string;
        service?: string;
        command?: string[];
      };
      sendJson(res, 200, await agent.run(project ?? "", service ?? "", command ?? []));
    },
    "POST /v1/promote": async (req, res) => {
      const { project } = (await readJson(req)) as { project?: string };
      sendJson(res, 200, { decided: agent.traffic.decide(project ?? "", "promote") });
    },
    "POST /v1/abort": async (req, res) => {
      const { project } = (await readJson(req)) as { project?: string };
      sendJson(res, 200, { decided: agent.traffic.decide(project ?? "", "abort") });
    },
    "POST /v1/maintenance": async (req, res) => {
      const { on, retryAfterSeconds, message } = (await readJson(req)) as {
        on?: boolean;
        retryAfterSeconds?: number;
        message?: string;
      };
      await agent.traffic.setMaintenance(
        on
          ? { retryAfterSeconds: retryAfterSeconds ?? 300, message: message ?? "We will be back shortly." }
          : undefined,
      );
      sendJson(res, 200, { maintenance: on === true });
    },
    "POST /v1/shutdown": async (_req, res) => {
      sendJson(res, 200, { ok: true });
      shutdown();
    },
  };
  const dashboard = new DashboardHost(agent, routes);
  Object.assign(
    routes,
    dashboardRoutes(() => dashboard),
  );
  return { routes, dashboard };
}

/** A deploy answers with its events as JSON lines; the last line is `deploy.finished`. */
async function streamDeploy(
  res: ServerResponse,
  run: (emit: (event: unknown) => void) => Promise<unknown>,
  redact: (text: string) => string,
): Promise<void> {
  const line = startStream(res);
  // Events quote processes' output (a failed start's last lines): known secret values are hidden.
  const write = (event: unknown) => line(JSON.parse(redact(JSON.stringify(event))));
  try {
    const outcome = (await run(write)) as { status?: string; error?: SlipwayError } | undefined;
    if (outcome?.status)
      recordStreamOutcome(
        res,
        outcome.status,
        outcome.error && `${outcome.error.code}: ${outcome.error.message}`,
      );
  } catch (error) {
    const e =
      error instanceof SlipwayError
        ? error
        : new SlipwayError({ code: "E_AGENT_INTERNAL", message: String(error) });
    recordStreamOutcome(res, "failed", `${e.code}: ${e.message}`);
    write({
      type: "deploy.finished",
      status: "failed",
      release: "",
      error: { code: e.code, message: e.message, hint: e.hint },
    });
  }
  res.end();
}

/**
 * Listens on the agent's unix socket (a stale socket from a dead agent is replaced). Every connection
 * is checked by its peer's credentials (SO_PEERCRED): only root, the agent's user and members of the
 * configured group may call; others get `E_API_FORBIDDEN`, whatever the socket's mode. The socket is
 * `0600` (`0660` with a group) from the moment it is bound, in a private home.
 */
export function serveAgent(
  agent: Agent,
  socket: string,
  access: SocketAccess,
  shutdown: () => void,
): Promise<Server> {
  const { routes, dashboard } = agentRoutes(agent, shutdown);
  // A dashboard that cannot listen (its port taken) must not keep the agent from serving its socket.
  void dashboard.resume().catch((error: Error) => {
    for (const project of agent.specs.projects())
      agent.store.addEvent({ project, kind: "dashboard.error", level: "error", message: error.message });
  });
  const peers = new WeakMap<Socket, PeerCredentials | undefined>();
  const caller = (req: IncomingMessage) => {
    const peer = peers.get(req.socket);
    return peer ? describePeer(peer) : "unknown";
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://agent");
    const route = `${req.method} ${url.pathname}`;
    const peer = peers.get(req.socket);
    if (!peer || !admits(peer, access)) {
      const refusal = forbidden(peer, access);
      auditRefusal(agent.store, route, caller(req), refusal);
      return sendError(res, refusal);
    }
    const handler = routes[route] && audited(agent.store, route, routes[route], caller);
    if (!handler)
      return sendJson(res, 404, {
        error: { code: "E_API_NOT_FOUND", message: `no route ${req.method} ${url.pathname}` },
      });
    handler(req, res, url.searchParams).catch((error) => {
      if (res.headersSent) res.end();
      else sendError(res, error);
    });
  });
  server.on("connection", (connection: Socket) => {
    try {
      peers.set(connection, peerCredentials(connection));
    } catch {
      peers.set(connection, undefined);
    }
  });
  if (existsSync(socket)) rmSync(socket);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    // bind(2) creates the socket file with the umask's mode: narrow it for that moment.
    const umask = process.umask(0o177);
    try {
      server.listen(socket, () => {
        applySocketMode(socket, agent.paths.home, access);
        resolve(server);
      });
    } finally {
      process.umask(umask);
    }
  });
}
