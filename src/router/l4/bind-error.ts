import { readFileSync } from "node:fs";
import { SlipwayError } from "../../errors.js";
import { findPortHolder } from "../../host/port-holder.js";
import type { L4BindFailure } from "./config.js";

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** One failure as a person reads it: the address, why, and the holder's PID and command where found. */
function describe(failure: L4BindFailure, proxyPid: number | undefined): string {
  const address = `${failure.host}:${failure.port}`;
  if (failure.code !== "EADDRINUSE") return `${address} (${failure.name}): ${failure.code}`;
  const holder = findPortHolder(failure.host, failure.port);
  if (holder === undefined) return `${address} (${failure.name}) is in use by another process`;
  const command = commandOf(holder);
  const which = holder === proxyPid ? "this home's proxy itself" : `process ${holder}`;
  return `${address} (${failure.name}) is in use by ${which}${command ? ` (${command})` : ""}`;
}

/** `E_PROXY_BIND`: the service proxy could not listen where names or published ports must answer. */
export function proxyBindError(failures: readonly L4BindFailure[], proxyPid?: number): SlipwayError {
  return new SlipwayError({
    code: "E_PROXY_BIND",
    message: `the service proxy cannot listen on ${failures.map((f) => describe(f, proxyPid)).join("; ")}`,
    hint: "stop the process holding the address (a slipway proxy of another home, or another server), or publish another port",
  });
}
