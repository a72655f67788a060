import type { CanaryDecision } from "../traffic-control.js";

/** Paused canaries waiting for a person: `slipway promote` / `slipway abort` settle them. */
export class CanaryDecisions {
  private readonly waiting = new Map<string, (decision: CanaryDecision | undefined) => void>();

  /** Resolves with the project's next decision, or undefined when `ms` passes first. */
  wait(project: string, ms: number): Promise<CanaryDecision | undefined> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => settle(undefined), ms) : undefined;
      const settle = (decision: CanaryDecision | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(project);
        resolve(decision);
      };
      this.waiting.set(project, settle);
    });
  }

  /** False when no canary of the project waits for one. */
  decide(project: string, decision: CanaryDecision): boolean {
    const settle = this.waiting.get(project);
    settle?.(decision);
    return settle !== undefined;
  }
}
