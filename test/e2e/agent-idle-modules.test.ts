import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../bin/slipway");

/**
 * The idle footprint (bench/agent: ≤ 60 MB) holds only while an idle agent loads nothing it does
 * not use yet: the manifest schema (zod), the S3 SDK, age, tar, the dashboard and the Docker and
 * Kubernetes clients load when first used. This starts the built agent with a module-load hook and
 * checks what it loaded once it serves.
 */
describe("an idle agent", () => {
  // Every attempt (a retry too) has its own directory and agent, both removed when it ends.
  const started: { dir: string; pid?: number | undefined }[] = [];
  afterEach(() => {
    for (const { dir, pid } of started.splice(0)) {
      if (pid !== undefined) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads no schema library, storage SDK, encryption, archive, dashboard or engine client", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-idle-modules-"));
    const attempt: { dir: string; pid?: number | undefined } = { dir };
    started.push(attempt);
    const loaded = join(dir, "loaded.txt");
    const hooks = join(dir, "hooks.mjs");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + "\\n"); return next(url, context); }`,
    );
    const register = join(dir, "register.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    const home = join(dir, "home");
    const child = spawn(process.execPath, ["--import", pathToFileURL(register).href, BIN, "agent"], {
      env: { ...process.env, SLIPWAY_HOME: home },
      stdio: "ignore",
    });
    attempt.pid = child.pid;
    for (let i = 0; i < 300 && !existsSync(join(home, "agent.sock")); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(home, "agent.sock"))).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // whatever it loads once serving, too
    const urls = readFileSync(loaded, "utf8").split("\n");
    expect(urls.some((url) => url.includes("/dist/agent/agent.js"))).toBe(true);
    const unwanted = urls.filter((url) =>
      /node_modules\/(zod|@aws-sdk|age-encryption|tar|dockerode|@kubernetes|preact|nodemailer)\/|\/dist\/agent\/dashboard\//.test(
        url,
      ),
    );
    expect([
      ...new Set(unwanted.map((url) => url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, "$1"))),
    ]).toEqual([]);
  });
});
