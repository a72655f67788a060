import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";

/** An answer, with the certificate the server showed (HTTPS only). */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The `subjectaltname` and issuer CN of the server's certificate. */
  readonly certificate?: { readonly names: string; readonly issuer: string };
}

export interface Call {
  readonly https?: boolean;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Trust only this CA (PEM) and check the name; without it the certificate is not verified. */
  readonly ca?: string;
  /** Resolve as soon as the body contains this text (a stream that never ends), then close. */
  readonly until?: string;
}

/**
 * One request to the router on 127.0.0.1:`port` as a browser for `host` would send it: SNI and
 * `Host` name the host. A fresh connection each time.
 */
export function call(host: string, port: number, options: Call = {}): Promise<Reply> {
  const send = options.https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: { host: `${host}:${port}`, ...options.headers },
        agent: false,
        timeout: 10_000,
        ...(options.https && {
          servername: host,
          rejectUnauthorized: options.ca !== undefined,
          ...(options.ca && { ca: options.ca }),
        }),
      },
      (response) => {
        const socket = response.socket as TLSSocket;
        const peer = options.https ? socket.getPeerCertificate() : undefined;
        const certificate = peer && {
          names: peer.subjectaltname ?? "",
          issuer: String(peer.issuer?.CN ?? ""),
        };
        let body = "";
        const done = () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, certificate });
        response.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk;
          if (options.until && body.includes(options.until)) {
            done();
            req.destroy();
          }
        });
        response.on("end", done);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from port ${port} within 10 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}
