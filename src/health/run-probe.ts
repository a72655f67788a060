import type { Probe, ProbeContext, ProbeResult } from "./probe.js";
import { runExecProbe } from "./probes/exec.js";
import { runHttpProbe } from "./probes/http.js";
import { runTcpProbe } from "./probes/tcp.js";

/** Runs one probe once. Never throws: a failure, a timeout or an unreachable address is a result with `ok: false`. */
export function runProbe(probe: Probe, context: ProbeContext): Promise<ProbeResult> {
  switch (probe.kind) {
    case "exec":
      return runExecProbe(probe, context.exec, context.timeoutMs);
    case "http":
      return runHttpProbe(probe, context.timeoutMs);
    case "tcp":
      return runTcpProbe(probe, context.timeoutMs);
  }
}
