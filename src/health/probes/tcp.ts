import { connect } from "node:net";
import { formatDuration } from "../../manifest/duration.js";
import { errorText, type ProbeResult, type TcpProbe } from "../probe.js";

/** Opens a TCP connection and closes it at once; healthy when the connection is accepted in time. */
export function runTcpProbe(probe: TcpProbe, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const address = `${probe.host}:${probe.port}`;
  return new Promise((resolve) => {
    let socket: ReturnType<typeof connect> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (ok: boolean, output: string): void => {
      clearTimeout(timer);
      socket?.destroy();
      resolve({ ok, output, durationMs: performance.now() - started });
    };
    try {
      socket = connect({ host: probe.host, port: probe.port });
    } catch (error) {
      // An invalid port throws synchronously.
      finish(false, errorText(error));
      return;
    }
    timer = setTimeout(
      () => finish(false, `connect ${address}: no answer within ${formatDuration(timeoutMs)}`),
      timeoutMs,
    );
    socket.once("connect", () => finish(true, `connected to ${address}`));
    socket.on("error", (error) => finish(false, errorText(error)));
  });
}
