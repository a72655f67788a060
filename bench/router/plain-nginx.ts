import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findNginx } from "../../src/router/nginx/binary.js";
import { workerPids } from "../../src/router/nginx/master.js";

/**
 * The baseline: a plain, hand-written nginx reverse proxy of the kind an operator writes for speed
 * (`workers` workers, keep-alive to the upstream, access log off, nothing else), in the foreground
 * (`daemon off`) so the bench owns its PID.
 */
export function plainNginxConfig(
  prefix: string,
  port: number,
  upstreamPort: number,
  workers: number,
): string {
  return `worker_processes ${workers};
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "error.log")} warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, "temp")};
  proxy_temp_path ${join(prefix, "temp")};
  fastcgi_temp_path ${join(prefix, "temp")};
  uwsgi_temp_path ${join(prefix, "temp")};
  scgi_temp_path ${join(prefix, "temp")};
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

export interface PlainNginx {
  readonly process: ChildProcess;
  /** The worker processes (CPU is measured on them, as on the driver's). */
  workers(): number[];
}

export function startPlainNginx(
  prefix: string,
  port: number,
  upstreamPort: number,
  workers: number,
): PlainNginx {
  mkdirSync(join(prefix, "temp"), { recursive: true });
  const configFile = join(prefix, "nginx.conf");
  writeFileSync(configFile, plainNginxConfig(prefix, port, upstreamPort, workers));
  // A session of its own, as the driver's daemonized nginx and the agent's router have: with the
  // kernel's autogroup scheduling a session is a CPU group, and a loaded machine would otherwise
  // favour the proxies that share the load generator's session.
  const child = spawn(findNginx(), ["-e", "stderr", "-p", prefix, "-c", configFile], {
    stdio: "ignore",
    detached: true,
  });
  return { process: child, workers: () => workerPids(child.pid!) };
}
