import type { IncomingMessage, ServerResponse } from "node:http";
import { SlipwayError } from "../errors.js";

/** Bodies already read, so the audit log can name an action's arguments after its handler ran. */
const bodies = new WeakMap<IncomingMessage, unknown>();

export const bodyOf = (request: IncomingMessage): unknown => bodies.get(request);

/** Reads a JSON request body (bounded: requests are specs and commands, never bulk data). */
export async function readJson(request: IncomingMessage, limitBytes = 16 * 1024 * 1024): Promise<unknown> {
  const body = await parseJsonBody(request, limitBytes);
  bodies.set(request, body);
  return body;
}

async function parseJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes)
      throw new SlipwayError({ code: "E_API_TOO_LARGE", message: "request body too large" });
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: "request body is not JSON" });
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(`${JSON.stringify(body)}\n`);
}

/** Writes an error as `{error:{code,message,hint}}`; user mistakes are 4xx, anything else 500. */
export function sendError(response: ServerResponse, error: unknown): void {
  if (error instanceof SlipwayError) {
    const status =
      error.code === "E_API_FORBIDDEN"
        ? 403
        : error.code.startsWith("E_API") || error.code.endsWith("NOT_FOUND")
          ? 400
          : 409;
    sendJson(response, status, { error: { code: error.code, message: error.message, hint: error.hint } });
    return;
  }
  // The stack goes to the agent's log, not to the caller: it may quote values.
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  sendJson(response, 500, {
    error: { code: "E_AGENT_INTERNAL", message: (error as Error)?.message ?? String(error) },
  });
}

/** Starts a JSON-lines stream; each call of the returned function writes one line. */
export function startStream(response: ServerResponse): (event: unknown) => void {
  response.writeHead(200, { "content-type": "application/x-ndjson" });
  return (event) => {
    if (!response.writableEnded) response.write(`${JSON.stringify(event)}\n`);
  };
}

/** One route of the agent API. */
export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
) => Promise<void>;

/** A query parameter the route cannot do without (`E_API_BAD_REQUEST`). */
export const requireParam = (query: URLSearchParams, name: string): string => {
  const value = query.get(name);
  if (!value) throw new SlipwayError({ code: "E_API_BAD_REQUEST", message: `missing ?${name}=` });
  return value;
};

/** Streams a deploy's events as JSON lines to `res`; `run` emits them and resolves with the outcome. */
export type StreamDeploy = (
  res: ServerResponse,
  run: (emit: (event: unknown) => void) => Promise<unknown>,
) => Promise<void>;
