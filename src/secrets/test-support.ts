import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { SecretStore } from "./store.js";

/** A secret store in a temporary home removed after the test. */
export function tempSecretStore(): { store: SecretStore; home: string } {
  const home = mkdtempSync(join(tmpdir(), "slipway-secrets-"));
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
  return { store: new SecretStore(join(home, "secrets"), join(home, "secrets.key")), home };
}
