import { describe, expect, it } from "vitest";
import { coalesced } from "./coalesce.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("coalesced", () => {
  it("never overlaps runs and shares a queued run between callers", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const run = coalesced(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await tick();
      running--;
    });
    const first = run();
    while (running === 0) await new Promise((resolve) => setImmediate(resolve));
    const queued = [run(), run(), run()];
    expect(queued[0]).toBe(queued[1]);
    await Promise.all([first, ...queued]);
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it("runs in call order and keeps going after a failure", async () => {
    const order: number[] = [];
    let n = 0;
    const run = coalesced(async () => {
      const mine = ++n;
      await tick();
      order.push(mine);
      if (mine === 1) throw new Error("first fails");
    });
    const first = run();
    await tick();
    const second = run();
    await expect(first).rejects.toThrow("first fails");
    await second;
    expect(order).toEqual([1, 2]);
  });
});
