import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeployEvent } from "../../deploy/events.js";
import type { Agent } from "../agent.js";

/** A comment line this often keeps proxies and the browser from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events of a project's deploys as the agent runs them: first what its newest deploy
 * emitted so far (a page opened mid-deploy catches up), then each event live, secrets redacted.
 */
export function streamDeployFeed(
  agent: Agent,
  project: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    connection: "keep-alive",
    // nginx (the router's nginx driver) passes each event on at once instead of buffering the stream.
    "x-accel-buffering": "no",
  });
  const send = (event: DeployEvent) => res.write(`data: ${agent.redactor.redact(JSON.stringify(event))}\n\n`);
  for (const event of agent.feed.recent(project)) send(event);
  res.write(": live\n\n");
  const stop = agent.feed.watch(({ projects, event }) => {
    if (projects.includes(project)) send(event);
  });
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  return new Promise((resolve) => {
    const close = () => {
      stop();
      clearInterval(keepalive);
      resolve();
    };
    req.once("close", close);
    res.once("close", close);
  });
}
