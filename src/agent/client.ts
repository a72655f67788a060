import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { SlipwayError } from "../errors.js";
import { readProcStat } from "../host/proc-stat.js";
import { defaultHome, type SlipwayPaths } from "../state/paths.js";
import { ensurePrivateHome, openPrivateAppend } from "../state/private-files.js";
import type { ApiError } from "./api.js";

/** The `slipway` executable, used to start the agent as a daemon. */
export const SLIPWAY_BIN = resolve(import.meta.dirname, "../../bin/slipway");

/** Talks to the agent over its unix socket. */
export class AgentClient {
  constructor(readonly paths: SlipwayPaths) {}

  private open(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    return new Promise((resolvePromise, reject) => {
      const request = httpRequest(
        {
          socketPath: this.paths.socket,
          path,
          method,
          headers: { "content-type": "application/json" },
        },
        resolvePromise,
      );
      request.on("error", (error) =>
        reject(
          new SlipwayError(
            {
              code: "E_AGENT_UNREACHABLE",
              message: `cannot reach the slipway agent at ${this.paths.socket}: ${error.message}`,
              hint: "start it with `slipway agent start`",
            },
            { cause: error },
          ),
        ),
      );
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private static async failIfError(response: IncomingMessage): Promise<void> {
    if ((response.statusCode ?? 500) < 400) return;
    let text = "";
    for await (const chunk of response) text += chunk;
    const parsed = (() => {
      try {
        return JSON.parse(text) as ApiError;
      } catch {
        return { error: { code: "E_AGENT_INTERNAL", message: text } };
      }
    })();
    throw new SlipwayError({
      code: parsed.error.code,
      message: parsed.error.message,
      hint: parsed.error.hint,
    });
  }

  /** One request, one JSON answer. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.open(method, path, body);
    await AgentClient.failIfError(response);
    let text = "";
    for await (const chunk of response) text += chunk;
    return JSON.parse(text) as T;
  }

  /** A streamed answer, one JSON value per line. */
  async *stream<T>(method: string, path: string, body?: unknown): AsyncGenerator<T> {
    const response = await this.open(method, path, body);
    await AgentClient.failIfError(response);
    try {
      for await (const line of createInterface({ input: response })) {
        if (line.trim()) yield JSON.parse(line) as T;
      }
    } catch (error) {
      // The agent died mid-answer (the socket closed): a coded error, not a crash of the CLI.
      throw new SlipwayError(
        {
          code: "E_AGENT_DISCONNECTED",
          message: `the slipway agent stopped answering (${(error as Error).message})`,
          hint: "the next command starts the agent again; it rolls back a deploy it did not finish (see `slipway releases`)",
        },
        { cause: error },
      );
    }
  }

  /** Whether an agent answers; a refusal of this caller (`E_API_FORBIDDEN`) is thrown, not "down". */
  async isUp(): Promise<boolean> {
    try {
      await this.call("GET", "/v1/status");
      return true;
    } catch (error) {
      if (isRefusal(error)) throw error;
      return false;
    }
  }
}

/** The installed build's id as this process found it when it loaded (a running agent keeps its own). */
const BUILD_ID = (() => {
  try {
    return readFileSync(resolve(SLIPWAY_BIN, "../../dist/BUILD"), "utf8").trim();
  } catch {
    return "unknown";
  }
})();

/**
 * Identifies the installed build (the one `bin/slipway` runs, also when this code runs from sources
 * in tests and benches), read once at start: an agent started from another build is replaced
 * (services keep running).
 */
export function buildId(): string {
  return BUILD_ID;
}

const isRefusal = (error: unknown) => error instanceof SlipwayError && error.code === "E_API_FORBIDDEN";

async function replaceOutdatedAgent(client: AgentClient): Promise<boolean> {
  const status = await client.call<{ build?: string }>("GET", "/v1/status").catch((error: unknown) => {
    if (isRefusal(error)) throw error;
    return undefined;
  });
  if (!status) return false;
  if (status.build === buildId()) return true;
  await client.call("POST", "/v1/shutdown").catch(() => undefined);
  for (let i = 0; i < 100 && (await client.isUp()); i++) await new Promise((r) => setTimeout(r, 100));
  return false;
}

/**
 * The PID in agent.pid when it is a live slipway agent of this state directory: one that serves, or
 * one still starting up (it answers only once it has taken over what runs and finished an
 * interrupted deploy).
 */
export function livingAgentPid(paths: SlipwayPaths): number | undefined {
  try {
    const pid = Number(readFileSync(paths.pidFile, "utf8"));
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const env = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
    );
    const isAgent = argv.includes(SLIPWAY_BIN) && argv.includes("agent") && defaultHome(env) === paths.home;
    return isAgent && readProcStat(pid)?.state !== "Z" ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the agent in the background (its own session, output to agent.log) and waits until it
 * answers — patiently: after a crash it first finishes (or rolls back) the interrupted deploy.
 */
export async function startAgentDaemon(paths: SlipwayPaths, timeoutMs = 60_000): Promise<AgentClient> {
  const client = new AgentClient(paths);
  if (await replaceOutdatedAgent(client)) return client;
  ensurePrivateHome(paths.home);
  const log = openPrivateAppend(paths.agentLog);
  // A small young generation and V8 favouring size over speed keep the idle daemon lean; it allocates
  // little once running, and its hot paths are I/O.
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=1", "--optimize-for-size", "--expose-gc", SLIPWAY_BIN, "agent"],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, SLIPWAY_HOME: paths.home },
    },
  );
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await client.isUp()) return client;
    // Ours exits at once when another agent is starting up: wait for that one instead.
    if (child.exitCode !== null && livingAgentPid(paths) === undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The agent's own refusal (`E_STATE_EMPTY …` in its log, as bin/slipway prints it) says more than "did not start".
  const lines = readFileSync(paths.agentLog, "utf8").split("\n");
  const at = lines.findLastIndex((line) => /^E_[A-Z0-9_]+ /.test(line));
  const reason = at >= 0 ? lines[at] : undefined;
  // Its hint (the next line) says what to do: e.g. which backup of the state to copy in place.
  const hint = at >= 0 ? lines[at + 1]?.match(/^\s*hint: (.+)$/)?.[1] : undefined;
  throw new SlipwayError({
    code: "E_AGENT_START",
    message: `the slipway agent did not start${reason ? `: ${reason}` : ""} (see ${paths.agentLog})`,
    hint: hint ?? "run `slipway agent` in the foreground to see why",
  });
}
