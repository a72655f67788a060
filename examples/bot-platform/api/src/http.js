/** An error that becomes an HTTP response with this status and a JSON body `{ error }`. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** The request body parsed as a JSON object (whatever Content-Type says); 400/413 when it is not one. */
export async function readJson(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "the body must be a JSON object");
  }
  return body;
}

/**
 * A small router: `route("GET", "/api/games/:id", handler)`; handlers get (req, res, params, url).
 * Unknown paths are 404, known paths with another method 405.
 */
export function createRouter() {
  const routes = [];
  const router = {
    route(method, pattern, handler) {
      const names = [];
      const source = pattern.replace(/:(\w+)/g, (_, name) => {
        names.push(name);
        return "([^/]+)";
      });
      routes.push({ method, regex: new RegExp(`^${source}/?$`), names, handler });
      return router;
    },
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://localhost");
      let pathMatched = false;
      for (const { method, regex, names, handler } of routes) {
        const match = regex.exec(url.pathname);
        if (!match) continue;
        pathMatched = true;
        if (method !== req.method) continue;
        const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
        return handler(req, res, params, url);
      }
      throw pathMatched ? new HttpError(405, "method not allowed") : new HttpError(404, "not found");
    },
  };
  return router;
}
