import { statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sh } from "./process-fixtures.js";

/** Numbered lines of about 110 bytes, ten every ~10 ms: roughly 100 KB/s, without end. */
export const steadyWriter = sh(
  `i=0; pad=$(printf '%0100d' 0); while :; do for j in 1 2 3 4 5 6 7 8 9 10; do i=$((i+1)); echo "line $i $pad"; done; sleep 0.01; done`,
);

/** The number in a `steadyWriter` line. */
export const lineNumber = (line: string) => Number(line.split(" ")[1]);

/** Sizes of `stdout.log`, `.1` … `.5` (undefined when missing). */
export function stdoutSizes(logDir: string): (number | undefined)[] {
  return ["", ".1", ".2", ".3", ".4", ".5"].map((suffix) => {
    try {
      return statSync(join(logDir, `stdout.log${suffix}`)).size;
    } catch {
      return undefined;
    }
  });
}

/** Samples `stdoutSizes` every 50 ms for `ms`, returning the largest size seen per file. */
export async function largestSizesDuring(logDir: string, ms: number): Promise<(number | undefined)[]> {
  const largest: (number | undefined)[] = [];
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
    stdoutSizes(logDir).forEach((size, index) => {
      if (size !== undefined) largest[index] = Math.max(largest[index] ?? 0, size);
    });
  }
  return largest;
}
