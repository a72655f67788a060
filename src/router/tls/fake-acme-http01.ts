import { request } from "node:http";

/**
 * How the FAKE ACME server checks an HTTP-01 challenge: GET the well-known path from `target` (`host:port`,
 * standing in for the domain's address) with the domain as Host, and compare the body with the key authorization.
 */
export function fetchChallenge(
  target: string,
  domain: string,
  token: string,
  timeoutMs: number,
): Promise<{ readonly status: number; readonly body: string }> {
  const url = new URL(`http://${target}/.well-known/acme-challenge/${token}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host: domain }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
