import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium (scripts/install-deps.sh installs it): never a browser download. */
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Names under .test (reserved, never public) reach the router on loopback, as a DNS record would.
  "--host-resolver-rules=MAP *.test 127.0.0.1",
];

let shared: Promise<{ context: BrowserContext; profile: string }> | undefined;
let users = 0;

/**
 * The one Chromium of this test run, with a fresh profile (--user-data-dir in a temporary directory):
 * the tests that use it share it, each with its own pages; the last to release it closes it. Vitest
 * loads this module once per test file, so the dashboard's tests stay in one file (dashboard.test.ts)
 * to keep to one browser per run.
 */
export async function useBrowser(): Promise<{ context: BrowserContext; release(): Promise<void> }> {
  users++;
  shared ??= (async () => {
    const profile = mkdtempSync(join(tmpdir(), "slipway-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
    });
    return { context, profile };
  })();
  const { context, profile } = await shared;
  return {
    context,
    release: async () => {
      if (--users > 0) return;
      shared = undefined;
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
