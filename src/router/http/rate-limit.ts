interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Whether a request may go on, and otherwise after how many seconds the client may try again. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const ALLOWED: RateDecision = Object.freeze({ allowed: true });

/**
 * A token bucket per client address: `perSecond` tokens flow in, at most `burst` are kept, each
 * request takes one. `perSecond` 0 turns the limit off.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  take(client: string, perSecond: number, burst: number): RateDecision {
    if (perSecond <= 0) return ALLOWED;
    const capacity = Math.max(burst, 1);
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: capacity, updatedMs: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedMs) / 1000) * perSecond);
    bucket.updatedMs = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(capacity, perSecond);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  /** Buckets that have refilled completely say nothing a new bucket would not; drop them. */
  private forgetFull(capacity: number, perSecond: number): void {
    const now = this.now();
    for (const [client, bucket] of this.buckets)
      if (bucket.tokens + ((now - bucket.updatedMs) / 1000) * perSecond >= capacity)
        this.buckets.delete(client);
  }
}
