import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ExecResult } from "../targets/target.js";
import type { ProbeExec } from "./probe.js";
import type { HealthScheduler } from "./scheduler.js";

/** A real command run on this machine: what a process target's `exec` does, without an instance context. */
export const execOnHost: ProbeExec = (argv, timeoutMs) =>
  new Promise<ExecResult>((resolve) => {
    const [file = "", ...args] = argv;
    execFile(file, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error?.code;
      resolve({
        exitCode: error ? (typeof code === "number" ? code : null) : 0,
        signal: error?.signal ?? null,
        timedOut: error?.killed === true,
        output: `${stdout}${stderr}${typeof code === "string" ? error?.message : ""}`,
      });
    });
  });

/** Starts an HTTP server on a free loopback port; `close()` also drops open and keep-alive connections. */
export async function startHttpServer(
  handler: RequestListener,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A test double for time: timers fire only when `advance` moves the clock past them. */
export class ManualScheduler implements HealthScheduler {
  #now = 0;
  #timers: { at: number; run: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  after(delayMs: number, run: () => void): () => void {
    const timer = { at: this.#now + delayMs, run };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing due timers in order and letting the probes they start settle. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = end;
  }
}
