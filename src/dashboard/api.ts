/** The dashboard's calls to the agent (see src/agent/dashboard/api.ts): JSON, the session in a cookie. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  return new ApiError(
    response.status,
    body.error?.code ?? `HTTP ${response.status}`,
    body.error?.message ?? response.statusText,
  );
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`/api${path}`, { credentials: "same-origin" });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/**
 * An operator action, sent only after the operator confirmed it. A streamed answer (a rollback's
 * events, as JSON lines) is read to its end; its last line says how it went.
 */
export async function act(path: string, body: object): Promise<unknown> {
  const response = await fetch(`/api${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-slipway-dashboard": "1", "x-slipway-confirmed": "yes" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  const lines = text.trim().split("\n").filter(Boolean);
  return lines.length > 0 ? JSON.parse(lines[lines.length - 1]!) : undefined;
}

/** Trades the one-time token of the login link for a session cookie. */
export async function logIn(token: string): Promise<void> {
  const response = await fetch("/api/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-slipway-dashboard": "1" },
    body: JSON.stringify({ token }),
  });
  if (!response.ok) throw await failure(response);
}
