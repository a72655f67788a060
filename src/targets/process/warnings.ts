/** Receives a warning about one instance (a limit, user or hosts file that could not be applied). */
export type WarningListener = (instanceId: string, message: string) => void;

/**
 * Wraps `listener` so each warning reaches it once per instance: `exec` prepares a launch on every
 * health check and would otherwise repeat the same warning every few seconds.
 */
export function reportEachWarningOnce(listener: WarningListener = () => {}) {
  const reported = new Set<string>();
  return (instanceId: string, warnings: readonly string[]): void => {
    for (const warning of warnings) {
      const key = `${instanceId}\0${warning}`;
      if (reported.has(key)) continue;
      reported.add(key);
      listener(instanceId, warning);
    }
  };
}
