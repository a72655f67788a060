import { formatDuration } from "../../manifest/duration.js";
import { clipOutput, errorText, type HttpProbe, type ProbeResult } from "../probe.js";

const DEFAULT_EXPECT_STATUS: readonly [number, number] = [200, 399];
/** Enough of the body to show why a probe failed; the rest is never read. */
const BODY_BYTES = 1024;

/** GETs the URL; healthy when the status is in the expected range before the timeout. */
export async function runHttpProbe(probe: HttpProbe, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // Redirects are not followed: a 3xx answer already proves the server is up (curl -f behaves alike).
    const response = await fetch(probe.url, { signal, redirect: "manual" });
    const body = clipOutput(await readBodyStart(response), "start");
    const [min, max] = probe.expectStatus ?? DEFAULT_EXPECT_STATUS;
    return {
      ok: response.status >= min && response.status <= max,
      output: body === "" ? `HTTP ${response.status}` : `HTTP ${response.status}: ${body}`,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    const output = signal.aborted ? `no response within ${formatDuration(timeoutMs)}` : errorText(error);
    return { ok: false, output, durationMs: performance.now() - started };
  }
}

/** The first bytes of the body; a body that fails or stalls after the status line reads as what arrived. */
async function readBodyStart(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The status decides health; a broken body only shortens the message.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, BODY_BYTES).toString("utf8");
}
