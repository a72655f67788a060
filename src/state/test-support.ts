import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import type { NewRelease } from "./releases.js";
import { openState, type StateOptions, type StateStore } from "./store.js";

/** A path for a state file inside a temporary directory removed after the test (the file itself is not created). */
export function tempStateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-state-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "agent", "state.db");
}

/** Opens a state store on `file` (default: a fresh temporary one), closed after the test. */
export function openTestState(file = tempStateFile(), options?: StateOptions): StateStore {
  const store = openState(file, options);
  onTestFinished(() => store.close());
  return store;
}

/** A release as a build would insert it. */
export function sampleRelease(project: string, overrides: Partial<NewRelease> = {}): NewRelease {
  return {
    project,
    createdAt: 1_700_000_000_000,
    specHash: "sha256:abc",
    spec: { services: { api: { image: "acme/api:1" } } },
    artifactsDir: `/var/lib/slipway/${project}/releases/next`,
    status: "ready",
    ...overrides,
  };
}

/** The PID of a process that has exited and been reaped, as a crashed owner leaves behind. */
export function deadPid(): number {
  const child = spawnSync("true");
  return child.pid!;
}
