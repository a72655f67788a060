import { type Stats, unwatchFile, watchFile } from "node:fs";

/**
 * Polls files by stat (mtime, ctime, size, inode): unlike fs.watch this survives editors and tools that
 * replace a file by rename, and works on network file systems. A group of files (certificate and key)
 * reports once, after its files have been quiet for one interval, so a cert-then-key rotation is one change.
 */
export class FilePoller {
  private readonly listeners = new Map<
    string,
    { files: readonly string[]; listener: (a: Stats, b: Stats) => void }
  >();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly onChange: (group: string) => void,
  ) {}

  /** Starts (or restarts) watching a group of files. */
  watch(group: string, files: readonly string[]): void {
    this.unwatch(group);
    const listener = (current: Stats, previous: Stats) => {
      if (!changed(current, previous)) return;
      clearTimeout(this.timers.get(group));
      this.timers.set(
        group,
        setTimeout(() => {
          this.timers.delete(group);
          this.onChange(group);
        }, this.intervalMs),
      );
    };
    for (const file of files) watchFile(file, { interval: this.intervalMs, persistent: false }, listener);
    this.listeners.set(group, { files, listener });
  }

  unwatch(group: string): void {
    const entry = this.listeners.get(group);
    if (!entry) return;
    for (const file of entry.files) unwatchFile(file, entry.listener);
    clearTimeout(this.timers.get(group));
    this.timers.delete(group);
    this.listeners.delete(group);
  }

  close(): void {
    for (const group of [...this.listeners.keys()]) this.unwatch(group);
  }
}

function changed(current: Stats, previous: Stats): boolean {
  return (
    current.mtimeMs !== previous.mtimeMs ||
    current.ctimeMs !== previous.ctimeMs ||
    current.size !== previous.size ||
    current.ino !== previous.ino
  );
}
