import { formatDuration } from "../../manifest/duration.js";
import type { ExecResult } from "../../targets/target.js";
import { clipOutput, type ExecProbe, errorText, type ProbeExec, type ProbeResult } from "../probe.js";

/** Runs the command; healthy when it exits 0 within the timeout. */
export async function runExecProbe(
  probe: ExecProbe,
  exec: ProbeExec,
  timeoutMs: number,
): Promise<ProbeResult> {
  const started = performance.now();
  if (probe.argv.length === 0) return { ok: false, output: "healthcheck command is empty", durationMs: 0 };
  try {
    const result = await exec(probe.argv, timeoutMs);
    return {
      ok: result.exitCode === 0 && !result.timedOut,
      output: describeExecResult(result, timeoutMs),
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return { ok: false, output: errorText(error), durationMs: performance.now() - started };
  }
}

function describeExecResult(result: ExecResult, timeoutMs: number): string {
  const how = result.timedOut
    ? `timed out after ${formatDuration(timeoutMs)}`
    : result.signal !== null
      ? `killed by ${result.signal}`
      : result.exitCode !== null
        ? `exit ${result.exitCode}`
        : "ended without an exit code";
  const output = clipOutput(result.output, "end");
  return output === "" ? how : `${how}: ${output}`;
}
