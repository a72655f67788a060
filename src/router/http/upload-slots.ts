/**
 * Requests with a body one client address may have in flight at once. Each holds an upstream
 * connection until its body is in, so a client sending hundreds of slow bodies would otherwise
 * take every connection to a service and starve everyone else (their requests would queue, then 503).
 */
export const UPLOADS_PER_CLIENT = 64;

/** Counts requests with a body in flight per client address. */
export class UploadSlots {
  private readonly inUse = new Map<string, number>();

  constructor(private readonly perClient: number = UPLOADS_PER_CLIENT) {}

  /** A slot for `client` and the function that frees it, or undefined when the client has none left. */
  take(client: string): (() => void) | undefined {
    const used = this.inUse.get(client) ?? 0;
    if (used >= this.perClient) return undefined;
    this.inUse.set(client, used + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const now = (this.inUse.get(client) ?? 1) - 1;
      if (now <= 0) this.inUse.delete(client);
      else this.inUse.set(client, now);
    };
  }
}
