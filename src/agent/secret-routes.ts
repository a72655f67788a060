import { SlipwayError } from "../errors.js";
import { sealSpec } from "../secrets/seal.js";
import type { SecretStore } from "../secrets/store.js";
import type { Agent } from "./agent.js";
import { type Handler, readJson, requireParam, type StreamDeploy, sendJson } from "./http.js";

interface SecretBody {
  project?: string;
  name?: string;
  value?: string;
}

const field = (body: SecretBody, key: "project" | "name" | "value"): string => {
  const value = body[key];
  if (typeof value !== "string" || (key !== "value" && value === ""))
    throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: `missing {${key}}` });
  return value;
};

/**
 * `slipway secret …`: values arrive in the request body over the private socket (never in argv)
 * and leave only sealed; listing shows names, versions and dates.
 */
export function secretRoutes(
  agent: Agent,
  secrets: SecretStore,
  streamDeploy: StreamDeploy,
): Record<string, Handler> {
  return {
    "GET /v1/secrets": async (_req, res, query) => {
      const project = requireParam(query, "project");
      sendJson(res, 200, { project, secrets: secrets.list(project) });
    },
    "POST /v1/secrets/set": async (req, res) => {
      const body = (await readJson(req, 1024 * 1024)) as SecretBody;
      const version = await secrets.set(field(body, "project"), field(body, "name"), field(body, "value"));
      await agent.redactor.refresh();
      sendJson(res, 200, { name: body.name, version });
    },
    "POST /v1/secrets/rm": async (req, res) => {
      const body = (await readJson(req)) as SecretBody;
      const removed = secrets.remove(field(body, "project"), field(body, "name"));
      if (!removed)
        throw new SlipwayError({
          code: "E_SECRET_NOT_FOUND",
          message: `project ${body.project} has no secret ${body.name}`,
          hint: "`slipway secret ls` lists them",
        });
      sendJson(res, 200, { name: body.name, removed });
    },
    // A new version, then the active release again with that secret re-pinned: a health-gated
    // roll-out of the services that use it; the old version stays for the old instances and rollback.
    "POST /v1/secrets/rotate": async (req, res) => {
      const body = (await readJson(req, 1024 * 1024)) as SecretBody;
      const project = field(body, "project");
      const name = field(body, "name");
      const active = agent.store.activeRelease(project);
      const spec = active && agent.specs.release(project, active.id)?.spec;
      if (!spec)
        throw new SlipwayError({
          code: "E_PROJECT_NOT_DEPLOYED",
          message: `${project} has no active release`,
          hint: "set the secret with `slipway secret set`, then deploy",
        });
      const version = await secrets.set(project, name, field(body, "value"));
      await agent.redactor.refresh();
      const sealed = await sealSpec(secrets, spec, { repin: [name] });
      await streamDeploy(res, async (emit) => {
        emit({ type: "log", level: "info", message: `secret ${name}: version ${version}` });
        return agent.deploy(sealed, emit);
      });
    },
  };
}
