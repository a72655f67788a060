import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import { relayedHeaderLines } from "./response-head.js";
import { hasBody } from "./upstream-request.js";

/**
 * Streams the client's body to the upstream, counting it: past `maxBodyBytes` the upstream request
 * is cut (the caller answers 413). A request without a body is ended at once.
 */
export function sendBody(
  request: IncomingMessage,
  upstreamRequest: ClientRequest,
  maxBodyBytes: number,
): { tooLarge(): boolean } {
  if (!hasBody(request)) {
    upstreamRequest.end();
    request.resume();
    return { tooLarge: () => false };
  }
  let received = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received <= maxBodyBytes) return done(null, chunk);
      tooLarge = true;
      done(new Error("request body too large"));
    },
  });
  counter.on("error", () => {
    request.unpipe(counter);
    request.resume(); // read and drop the rest, so the client gets to read the 413
    upstreamRequest.destroy();
  });
  request.pipe(counter).pipe(upstreamRequest);
  return { tooLarge: () => tooLarge };
}

export interface RelayOptions {
  /** Until the response head arrives; then the longest pause between response bytes. */
  readonly timeoutMs: number;
  /** The security headers of the client's scheme, added where the upstream did not set them. */
  readonly securityHeaders: Readonly<Record<string, string>>;
  /** Sent as `x-request-id` unless the upstream set its own. */
  readonly requestId: string;
  readonly onBytes: (bytes: number) => void;
}

/**
 * Waits for the upstream's answer and streams it to the client. `failed`: the request was lost
 * before any response byte (the caller may replay it); `timeout`: no answer in time.
 */
export function relayResponse(
  upstreamRequest: ClientRequest,
  response: ServerResponse,
  options: RelayOptions,
): Promise<"done" | "failed" | "timeout"> {
  return new Promise((resolve) => {
    let responded = false;
    let timedOut = false;
    let settled = false;
    const settle = (outcome: "done" | "failed" | "timeout") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // One timer for both phases: armed until the head arrives, then re-armed by each chunk (a
    // socket timeout on the upstream connection would be set and reset by the agent per request).
    const timer = setTimeout(() => {
      timedOut = true;
      upstreamRequest.destroy();
      if (!responded) settle("timeout");
    }, options.timeoutMs);
    response.once("close", () => {
      if (!response.writableFinished) upstreamRequest.destroy();
    });
    const lost = () => {
      if (!responded) settle(timedOut ? "timeout" : "failed");
    };
    upstreamRequest.on("error", lost);
    upstreamRequest.once("close", lost);
    upstreamRequest.once("response", (upstreamResponse) => {
      responded = true;
      timer.refresh();
      upstreamResponse.on("error", () => response.destroy());
      upstreamResponse.once("close", () => {
        if (!upstreamResponse.complete) response.destroy();
        settle("done");
      });
      if (response.destroyed) {
        upstreamRequest.destroy();
        return;
      }
      response.writeHead(
        upstreamResponse.statusCode ?? 502,
        upstreamResponse.statusMessage,
        relayedHeaderLines(upstreamResponse.rawHeaders, options.securityHeaders, options.requestId),
      );
      streamBody(upstreamResponse, response, (bytes) => {
        timer.refresh();
        options.onBytes(bytes);
      });
      upstreamResponse.once("end", () => settle("done"));
    });
  });
}

/**
 * Copies the upstream's body to the client, pausing the upstream while the client's buffer is full.
 * Cheaper than `pipe`, which sets up and tears down eight listeners per response.
 */
function streamBody(
  upstreamResponse: IncomingMessage,
  response: ServerResponse,
  onBytes: (bytes: number) => void,
): void {
  let bytes = 0;
  const resume = () => upstreamResponse.resume();
  onBytes(0);
  upstreamResponse.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    onBytes(bytes);
    if (!response.write(chunk)) {
      upstreamResponse.pause();
      response.once("drain", resume);
    }
  });
  upstreamResponse.once("end", () => {
    if (!response.destroyed) response.end();
  });
}
