import { quote } from "shell-quote";
import type { ExecResult } from "../targets/target.js";

/** Runs a command in the probed instance's context (its env, cwd, user), e.g. `Target.exec` bound to a spec. */
export type ProbeExec = (argv: readonly string[], timeoutMs: number) => Promise<ExecResult>;

/** A command run in the instance's context; healthy when it exits 0. */
export interface ExecProbe {
  readonly kind: "exec";
  readonly argv: readonly string[];
}

/** An HTTP GET; healthy when the status is inside `expectStatus` (redirects are not followed). */
export interface HttpProbe {
  readonly kind: "http";
  readonly url: string;
  /** Inclusive status range. Default `[200, 399]`. */
  readonly expectStatus?: readonly [number, number] | undefined;
}

/** A TCP connect; healthy when the connection is accepted. */
export interface TcpProbe {
  readonly kind: "tcp";
  readonly host: string;
  readonly port: number;
}

/** One way to ask an instance whether it is healthy. */
export type Probe = ExecProbe | HttpProbe | TcpProbe;

/** Outcome of one probe run; failures are results, never exceptions. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Short text for people: `exit 1: …`, `HTTP 503: …`, `connect ECONNREFUSED 127.0.0.1:5432`. */
  readonly output: string;
  readonly durationMs: number;
}

/** What a probe run needs besides the probe itself. */
export interface ProbeContext {
  /** Used by exec probes only. */
  readonly exec: ProbeExec;
  /** Longest a single probe may take; a probe that takes longer fails. */
  readonly timeoutMs: number;
}

/** How a probe is named in messages: the shell command, argv, URL or address. */
export function describeProbe(probe: Probe): string {
  switch (probe.kind) {
    case "exec": {
      const [shell, flag, script, ...rest] = probe.argv;
      // CMD-SHELL probes read best as the script the user wrote.
      if (shell === "/bin/sh" && flag === "-c" && script !== undefined && rest.length === 0) return script;
      return quote([...probe.argv]);
    }
    case "http":
      return probe.url;
    case "tcp":
      return `tcp://${probe.host.includes(":") ? `[${probe.host}]` : probe.host}:${probe.port}`;
  }
}

/** Whitespace-collapsed text cut to `max` characters, keeping its start (HTTP bodies) or end (command output). */
export function clipOutput(text: string, keep: "start" | "end", max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  return keep === "start" ? `${flat.slice(0, max)}…` : `…${flat.slice(-max)}`;
}

/** The most telling message of an error, unwrapping `fetch failed` causes and dual-stack AggregateErrors. */
export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0]);
  if (error instanceof Error) {
    if (error.cause !== undefined && error.message === "fetch failed") return errorText(error.cause);
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === "string" ? code : error.name);
  }
  return String(error);
}
