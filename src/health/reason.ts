import { formatDuration } from "../manifest/duration.js";
import { describeProbe, type Probe, type ProbeResult } from "./probe.js";

/** Why an instance was found unhealthy, naming the probe and its last output. */
export function unhealthyReason(probe: Probe, failures: number, lastResult: ProbeResult): string {
  const times = failures === 1 ? "1 time" : `${failures} times`;
  return `healthcheck \`${describeProbe(probe)}\` failed ${times}; last output: ${lastResult.output || "(none)"}`;
}

/** Why waiting for health gave up at the deadline, naming the probe and its last output if any. */
export function deadlineReason(probe: Probe, waitedMs: number, lastResult: ProbeResult | undefined): string {
  const last = lastResult ? `last output: ${lastResult.output || "(none)"}` : "no probe finished yet";
  return `healthcheck \`${describeProbe(probe)}\` gave no healthy result within ${formatDuration(waitedMs)}; ${last}`;
}
