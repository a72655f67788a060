import { SlipwayError } from "../../errors.js";
import type { Agent } from "../agent.js";
import { type Handler, readJson, requireParam, sendJson } from "../http.js";

interface BackupBody {
  project?: string;
  service?: string;
  id?: string;
  to?: string;
  identities?: string[];
  dryRun?: boolean;
}

const required = (body: BackupBody, field: "project" | "id"): string => {
  const value = body[field];
  if (typeof value !== "string" || value === "")
    throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: `missing {${field}}` });
  return value;
};

/** The backup endpoints of the agent API (`slipway backup …`). */
export function backupRoutes(agent: Agent): Record<string, Handler> {
  return {
    "GET /v1/backups": async (_req, res, query) =>
      sendJson(res, 200, await (await agent.backups()).list(requireParam(query, "project"))),
    "POST /v1/backups/run": async (req, res) => {
      const body = (await readJson(req)) as BackupBody;
      sendJson(res, 200, await (await agent.backups()).runAll(required(body, "project"), body.service));
    },
    "POST /v1/backups/verify": async (req, res) => {
      const body = (await readJson(req)) as BackupBody;
      sendJson(
        res,
        200,
        await (await agent.backups()).verify(
          required(body, "project"),
          required(body, "id"),
          body.identities ?? [],
        ),
      );
    },
    "POST /v1/backups/restore": async (req, res) => {
      const body = (await readJson(req)) as BackupBody;
      sendJson(
        res,
        200,
        await agent.restoreBackup(required(body, "project"), required(body, "id"), {
          to: body.to,
          identities: body.identities ?? [],
        }),
      );
    },
    "POST /v1/backups/prune": async (req, res) => {
      const body = (await readJson(req)) as BackupBody;
      sendJson(res, 200, {
        dryRun: body.dryRun ?? false,
        services: await (await agent.backups()).prune(required(body, "project"), body.dryRun ?? false),
      });
    },
  };
}
