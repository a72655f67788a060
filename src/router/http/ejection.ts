/**
 * Passive ejection: an upstream that refused a connection (or did not accept one in time) gets no
 * new requests for `ejectMs`. The agent's health checks decide what is active; this only covers the
 * seconds before the agent notices.
 */
export class PassiveEjection {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ejectMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  eject(upstreamId: string): void {
    this.until.set(upstreamId, this.now() + this.ejectMs);
  }

  isEjected(upstreamId: string): boolean {
    const until = this.until.get(upstreamId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(upstreamId);
    return false;
  }
}
