import type { Duplex } from "node:stream";
import { CLOSE_GOING_AWAY, closeFrame, FrameBoundary } from "./websocket-frames.js";

/** How long a drained WebSocket may take to finish its close handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * Joins an established WebSocket's two sockets. Upstream-to-client bytes go through a frame
 * tracker, so `goAway` can end the session cleanly: it lets the frame in progress finish, sends the
 * client a close frame 1001 "Going Away", and ends the upstream connection.
 */
export class WebSocketPipe {
  private readonly frames = new FrameBoundary();
  private closing = false;
  private closed = false;

  constructor(
    private readonly client: Duplex,
    private readonly upstream: Duplex,
    private readonly onClose: () => void,
  ) {
    client.on("error", () => this.destroy());
    upstream.on("error", () => this.destroy());
    client.on("close", () => this.destroy());
    // The upstream ended the session: let the client read what is left, then close (bounded).
    upstream.on("close", () => {
      if (!this.closing) this.endClient();
    });
    upstream.on("end", () => {
      if (!this.closing) this.endClient();
    });
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => this.down(chunk));
  }

  /** Feeds bytes that arrived with the upstream's 101 answer. */
  forwardEarly(chunk: Buffer): void {
    if (chunk.length > 0) this.down(chunk);
  }

  private down(chunk: Buffer): void {
    if (this.closed) return;
    const forward = this.frames.advance(chunk, this.closing);
    if (forward > 0 && !this.client.write(forward === chunk.length ? chunk : chunk.subarray(0, forward))) {
      this.upstream.pause();
      this.client.once("drain", () => this.upstream.resume());
    }
    if (this.closing && this.frames.atBoundary) this.sendGoingAway();
  }

  goAway(): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.client.unpipe(this.upstream);
    this.client.resume(); // the client's own close frame is read and dropped
    setTimeout(() => this.destroy(), CLOSE_GRACE_MS).unref();
    if (this.frames.atBoundary) this.sendGoingAway();
  }

  private sendGoingAway(): void {
    this.upstream.removeAllListeners("data");
    this.upstream.end();
    this.client.end(closeFrame(CLOSE_GOING_AWAY, "Going Away"));
  }

  private endClient(): void {
    if (this.client.writableEnded) return;
    this.client.end();
    setTimeout(() => this.destroy(), CLOSE_GRACE_MS).unref();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream.destroy();
    this.onClose();
  }
}
