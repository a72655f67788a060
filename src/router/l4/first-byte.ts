import type { Socket } from "node:net";

/** How a tentative connection to one upstream ended. */
export type FirstByteOutcome =
  /** The upstream answered (or the client had said all it had to): the two are piped for good. */
  | "served"
  /** The upstream failed before sending anything: the client's bytes so far can go to another instance. */
  | "retry"
  /** The client went away. */
  | "gone";

/** Client bytes kept for a retry; past this the connection is committed to its instance. */
export const REPLAY_LIMIT_BYTES = 64 * 1024;

/**
 * Connects `client` to `upstream` tentatively: the client's bytes are forwarded and kept until the
 * upstream sends its first byte. An upstream that resets or closes before that (an instance killed
 * with connections in its accept queue) is reported as `retry`, and `sent` still holds every byte
 * the client sent, so the connection can be replayed on another instance without the client noticing.
 */
export function connectTentatively(
  client: Socket,
  upstream: Socket,
  sent: Buffer[],
  state: { clientEnded: boolean },
): Promise<FirstByteOutcome> {
  return new Promise((resolve) => {
    let kept = sent.reduce((total, chunk) => total + chunk.length, 0);
    const detach = () => {
      client.off("data", onClientData).off("end", onClientEnd).off("close", onClientClose);
      upstream.off("data", onUpstreamData).off("error", onUpstreamFailed).off("end", onUpstreamEnd);
    };
    const commit = (first?: Buffer) => {
      detach();
      client.pause();
      if (first) client.write(first);
      pipeForGood(client, upstream, state.clientEnded);
      resolve("served");
    };
    const onClientData = (chunk: Buffer) => {
      upstream.write(chunk);
      kept += chunk.length;
      if (kept > REPLAY_LIMIT_BYTES) commit();
      else sent.push(chunk);
    };
    const onClientEnd = () => {
      state.clientEnded = true;
      upstream.end();
    };
    const onClientClose = () => {
      detach();
      upstream.destroy();
      resolve("gone");
    };
    const onUpstreamData = (chunk: Buffer) => commit(chunk);
    const onUpstreamFailed = () => {
      detach();
      upstream.destroy();
      client.pause();
      resolve("retry");
    };
    // A clean close after the client said everything is an answer (an empty one); before, a failure.
    const onUpstreamEnd = () => {
      if (!state.clientEnded) return onUpstreamFailed();
      detach();
      client.destroy();
      upstream.destroy();
      resolve("served");
    };
    upstream.on("data", onUpstreamData).on("error", onUpstreamFailed).on("end", onUpstreamEnd);
    for (const chunk of sent) upstream.write(chunk);
    if (state.clientEnded) upstream.end();
    client.on("data", onClientData).on("end", onClientEnd).on("close", onClientClose);
    client.resume();
  });
}

function pipeForGood(client: Socket, upstream: Socket, clientEnded: boolean): void {
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", end).on("close", end);
  upstream.on("error", end).on("close", end);
  if (!clientEnded) client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
