/**
 * Wraps an async task so that runs never overlap and happen in call order, and calls made while a
 * run is still queued share that run (it starts later, so it sees whatever the callers changed).
 * A failed run rejects its callers only; the next run starts anyway.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return () => {
    if (queued) return queued;
    const run = last
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return task();
      });
    queued = run;
    last = run;
    return run;
  };
}
