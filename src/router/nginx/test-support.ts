import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SecureVersion } from "node:tls";
import { WebSocketServer } from "ws";
import { NginxDriver } from "./driver.js";
import { isAlive, runningMaster } from "./master.js";

export { freePort } from "../../network/ports.js";

/** Real things for the nginx driver's tests: backends, ports, certificates, an nginx instance. */

export interface Backend {
  readonly tag: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An HTTP server answering `{ backend, url, headers }`, and echoing WebSocket messages as `tag:message`. */
export async function startBackend(tag: string): Promise<Backend> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ backend: tag, url: req.url, headers: req.headers }));
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (socket) => socket.on("message", (data) => socket.send(`${tag}:${data}`)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    tag,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly agent?: Agent;
  readonly body?: string;
}

export function get(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An HTTPS request to 127.0.0.1 with SNI and Host `servername`, trusting `ca`. */
export function getTls(
  port: number,
  path: string,
  options: { servername: string; ca: string; minVersion?: SecureVersion; maxVersion?: SecureVersion },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        servername: options.servername,
        headers: { host: options.servername },
        ca: options.ca,
        minVersion: options.minVersion,
        maxVersion: options.maxVersion,
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A self-signed certificate for `name`, made with openssl. */
export function makeCertificate(
  dir: string,
  name: string,
): { certFile: string; keyFile: string; pem: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", `-subj`, `/CN=${name}`].concat([
      "-addext",
      `subjectAltName=DNS:${name}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ]),
    { stdio: "ignore" },
  );
  return { certFile, keyFile, pem: readFileSync(certFile, "utf8") };
}

export interface LoadResult {
  readonly ok: number;
  readonly failures: readonly string[];
  readonly byBackend: Readonly<Record<string, number>>;
  /** Requests sent again because a kept-alive connection closed under them (see `loadLoop`). */
  readonly resent: number;
}

/**
 * `requests` GETs over about `durationMs` from `concurrency` keep-alive connections. Like browsers
 * and curl, a GET whose reused connection was closed before any response byte is sent again once
 * (RFC 9112 §9.3.1), on a new connection: after a reload, old workers close their idle keep-alive
 * connections, and a request may cross that close on the wire.
 */
export async function loadLoop(
  url: string,
  requests = 300,
  durationMs = 3_000,
  concurrency = 3,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const failures: string[] = [];
  const byBackend: Record<string, number> = {};
  let ok = 0;
  let resent = 0;
  let next = 0;
  const interval = (durationMs / requests) * concurrency;
  const once = (via: Agent | false) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(url, { agent: via }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", (error: NodeJS.ErrnoException) =>
        reject(Object.assign(error, { reused: req.reusedSocket })),
      );
      req.end();
    });
  const worker = async () => {
    while (next < requests) {
      next++;
      const started = Date.now();
      try {
        const reply = await once(agent).catch((error: NodeJS.ErrnoException & { reused?: boolean }) => {
          if (!error.reused || error.code !== "ECONNRESET") throw error;
          resent++;
          // On a new connection: the pool's other idle connections may be closing too.
          return once(false);
        });
        if (reply.status !== 200) failures.push(`status ${reply.status}: ${reply.body.slice(0, 80)}`);
        else {
          ok++;
          const backend = (JSON.parse(reply.body) as { backend: string }).backend;
          byBackend[backend] = (byBackend[backend] ?? 0) + 1;
        }
      } catch (error) {
        failures.push(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - (Date.now() - started))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { ok, failures, byBackend, resent };
}

export interface NginxInstance {
  readonly driver: NginxDriver;
  readonly dir: string;
  /** Stops nginx (gracefully, then by its pid) and removes its directory. */
  cleanup(): Promise<void>;
}

/** A driver on a fresh directory readable by the workers (`nobody`). */
export function nginxInstance(): NginxInstance {
  const dir = mkdtempSync(join(tmpdir(), "slipway-nginx-"));
  chmodSync(dir, 0o755);
  const driver = new NginxDriver({
    prefix: join(dir, "nginx"),
    stopTimeoutMs: 3_000,
    reloadTimeoutMs: 5_000,
  });
  return {
    driver,
    dir,
    cleanup: async () => {
      try {
        await driver.stop();
      } finally {
        const pid = runningMaster(driver.paths.pidFile);
        if (pid !== undefined && isAlive(pid)) process.kill(pid, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
