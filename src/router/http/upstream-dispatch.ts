import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { RelayOptions } from "./http-exchange.js";
import { relayedHeaderLines } from "./response-head.js";
import { ConnectFailed } from "./upstream-connect.js";

/** How a request sent on a pooled connection ended: answered, lost before any response byte, or not answered in time. */
export type DispatchOutcome = "done" | "lost" | "timeout";

/** A request on its way to an upstream over a connection that is up; `outcome` settles when it ends. */
export interface DispatchedRequest {
  readonly outcome: Promise<DispatchOutcome>;
}

export interface BodylessRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
}

const TIMEOUT_ERRORS: ReadonlySet<string> = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** undici gives header names and values as buffers; `writeHead` takes strings. */
function headerStrings(raw: Dispatcher.DispatchController["rawHeaders"]): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((line) => (typeof line === "string" ? line : line.toString("latin1")));
}

/**
 * Sends a request without a body on a pooled keep-alive connection (undici: far less work per
 * request than `node:http`'s agent) and streams the answer straight to the client. Resolves once the
 * connection is up — or with `ConnectFailed` when none could be made, so nothing was sent and
 * another upstream may take it.
 */
export function dispatchBodyless(
  pool: Dispatcher,
  request: BodylessRequest,
  response: ServerResponse,
  options: RelayOptions,
): Promise<DispatchedRequest | ConnectFailed> {
  return new Promise((resolveStart, rejectStart) => {
    let started = false;
    let responded = false;
    let bytes = 0;
    let settleOutcome: (outcome: DispatchOutcome) => void = () => {};
    const outcome = new Promise<DispatchOutcome>((resolve) => {
      settleOutcome = resolve;
    });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        started = true;
        response.once("close", () => {
          if (!response.writableFinished && !controller.aborted)
            controller.abort(new Error("client went away"));
        });
        resolveStart({ outcome });
      },
      onResponseStart(controller, statusCode, _headers, statusMessage) {
        if (statusCode < 200) return; // 1xx: the final answer follows
        if (response.destroyed) return controller.abort(new Error("client went away"));
        responded = true;
        response.writeHead(
          statusCode,
          statusMessage,
          relayedHeaderLines(
            headerStrings(controller.rawHeaders),
            options.securityHeaders,
            options.requestId,
          ),
        );
        options.onBytes(0);
      },
      onResponseData(controller, chunk) {
        bytes += chunk.length;
        options.onBytes(bytes);
        if (!response.write(chunk)) {
          controller.pause();
          response.once("drain", () => controller.resume());
        }
      },
      onResponseEnd() {
        if (!response.destroyed) response.end();
        settleOutcome("done");
      },
      onResponseError(_controller, error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        if (!started) {
          resolveStart(new ConnectFailed(code === "UND_ERR_CONNECT_TIMEOUT" ? "timeout" : "connect"));
          return;
        }
        if (responded) {
          // Cut in the middle of the body: the client sees the connection end, not a complete answer.
          response.destroy();
          settleOutcome("done");
          return;
        }
        settleOutcome(TIMEOUT_ERRORS.has(code) ? "timeout" : "lost");
      },
    };
    try {
      pool.dispatch(
        {
          method: request.method as Dispatcher.HttpMethod,
          path: request.path,
          headers: request.headers as Record<string, string | string[]>,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        handler,
      );
    } catch (error) {
      // A request undici refuses to send (the caller answers 502); no other upstream would take it.
      rejectStart(error);
    }
  });
}
