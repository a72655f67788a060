import { SlipwayError } from "../errors.js";
import type { Agent } from "./agent.js";
import { type Handler, requireParam, startStream } from "./http.js";

/**
 * `GET /v1/engine-logs/follow`: an orchestrated project's service logs (`slipway logs -f` on swarm),
 * followed through the engine and streamed as JSON lines (`{service, instance, stream, ts, line}`,
 * known secret values hidden) until the caller hangs up or every followed service is gone.
 */
export function engineLogRoutes(agent: Agent): Record<string, Handler> {
  return {
    "GET /v1/engine-logs/follow": async (_req, res, query) => {
      const project = requireParam(query, "project");
      const spec = agent.specs.spec(project);
      const orchestrator = spec && agent.runtime.orchestrator?.(spec);
      if (!orchestrator)
        throw new SlipwayError({
          code: "E_API_BAD_REQUEST",
          message: `${project} does not run on an orchestrator; its logs are files \`slipway logs\` reads itself`,
        });
      const only = query.get("service");
      const names = (await orchestrator.services(project))
        .map((s) => s.service)
        .filter((name) => !only || name === only);
      const tail = Math.max(0, Number(query.get("tail") ?? 100) || 0);
      const write = startStream(res);
      const hangUp = new AbortController();
      res.on("close", () => hangUp.abort());
      await Promise.all(
        names.map((name) =>
          orchestrator.followLogs(
            project,
            name,
            tail,
            (line) => write({ ...line, line: agent.redactor.redact(line.line) }),
            hangUp.signal,
          ),
        ),
      );
      res.end();
    },
  };
}
