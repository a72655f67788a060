import type { ConformanceFixtures } from "../conformance/suite.js";

/** `/bin/sh -c script` as argv. */
export const sh = (script: string): string[] => ["/bin/sh", "-c", script];

/** Conformance fixtures for native processes: plain POSIX shell and coreutils. */
export const processFixtures: ConformanceFixtures = {
  sleepCommand: (seconds) => ["sleep", String(seconds)],
  echoEnvCommand: (name) => sh(`printf '%s\\n' "$${name}"`),
  trapTermCommand: () => sh(`trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.05; done`),
  ignoreTermCommand: () => sh(`trap '' TERM; echo ready; while :; do sleep 0.05; done`),
  outputCommand: (stdout, stderr, exitCode) => sh(`echo '${stdout}'; echo '${stderr}' >&2; exit ${exitCode}`),
};
