import type { DeployEvent } from "../deploy/events.js";

/** A deploy event as watchers see it: the projects deploying when it was emitted (usually one). */
export interface FeedEvent {
  readonly projects: readonly string[];
  readonly event: DeployEvent;
}

/** How many events of a project's newest deploy are kept for a watcher that arrives late. */
const KEPT = 400;

/**
 * The agent's live deploy events: each running deploy streams them to its caller (the CLI), and
 * watchers (the dashboard) see every one, tagged with the projects deploying at that moment, plus
 * the newest deploy of each project so far.
 */
export class DeployFeed {
  private readonly deploys = new Map<number, { project: string; emit: (event: DeployEvent) => void }>();
  private readonly watchers = new Set<(event: FeedEvent) => void>();
  private readonly newest = new Map<string, DeployEvent[]>();
  private next = 0;

  /** A deploy of `project` streams to `emit` until the returned function is called. */
  attach(project: string, emit: (event: DeployEvent) => void): () => void {
    const id = this.next++;
    this.deploys.set(id, { project, emit });
    this.newest.set(project, []);
    return () => this.deploys.delete(id);
  }

  emit(event: DeployEvent): void {
    const projects = [...new Set([...this.deploys.values()].map((d) => d.project))];
    for (const deploy of this.deploys.values()) deploy.emit(event);
    for (const project of projects) {
      const kept = this.newest.get(project) ?? [];
      if (kept.length < KEPT) kept.push(event);
      this.newest.set(project, kept);
    }
    for (const watch of this.watchers) watch({ projects, event });
  }

  /** Every event from now on, until the returned function is called. */
  watch(listener: (event: FeedEvent) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** The events of the project's newest deploy since this agent started (bounded). */
  recent(project: string): readonly DeployEvent[] {
    return this.newest.get(project) ?? [];
  }
}
