import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifest } from "../manifest/load.js";
import { freezeApp } from "./freeze.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-freeze-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (compose: string) => {
  writeFileSync(join(dir, "compose.yaml"), compose);
  const { spec, problems } = loadManifest({ files: [join(dir, "compose.yaml")], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return spec;
};

describe("freezeApp", () => {
  it("reads env files into environment (environment wins) and config files into content", () => {
    writeFileSync(join(dir, "app.env"), "A=from-file\nB=from-file\n");
    writeFileSync(join(dir, "nginx.conf"), "worker_processes 1;\n");
    const app = load(`services:
  api:
    image: shop/api:1
    env_file: [app.env]
    environment: { B: typed }
    configs: [nginx]
configs:
  nginx: { file: ./nginx.conf }
`);
    const frozen = freezeApp(app);
    expect(frozen.services.api!.environment).toMatchObject({ A: "from-file", B: "typed" });
    expect(frozen.services.api!.env_file).toEqual([]);
    expect(frozen.configs.nginx).toMatchObject({ content: "worker_processes 1;\n" });
    expect(frozen.configs.nginx).not.toHaveProperty("file");
    // Changing the files afterwards changes nothing in the frozen value.
    writeFileSync(join(dir, "app.env"), "A=changed\n");
    expect(frozen.services.api!.environment.A).toBe("from-file");
  });

  it("reads a config's environment variable into content, and refuses an unset one with a code", () => {
    const app = load(`services:
  api: { image: shop/api:1, configs: [motd] }
configs:
  motd: { environment: MOTD }
`);
    expect(freezeApp(app, { MOTD: "hello" }).configs.motd).toMatchObject({ content: "hello" });
    expect(freezeApp(app, { MOTD: "hello" }).configs.motd).not.toHaveProperty("environment");
    expect(() => freezeApp(app, {})).toThrow(expect.objectContaining({ code: "E_CONFIG_SOURCE_MISSING" }));
  });

  it("leaves out an env file's variable that `environment` unsets (a bare KEY nothing sets: null in the spec)", () => {
    writeFileSync(join(dir, "unset.env"), "GONE=from-file\nKEPT=from-file\n");
    const app = load("services:\n  api: { image: shop/api:1, env_file: [unset.env], environment: [GONE] }\n");
    expect(app.services.api!.environment).toEqual({ GONE: null, KEPT: "from-file" });
    expect(freezeApp(app).services.api!.environment).toEqual({ KEPT: "from-file" });
  });

  it("keeps a `format: raw` env file's values as written (not read again by dotenv rules)", () => {
    writeFileSync(join(dir, "raw.env"), 'PW="a" B=2\n');
    const app = load("services:\n  api: { image: shop/api:1, env_file: [{ path: raw.env, format: raw }] }\n");
    expect(freezeApp(app).services.api!.environment).toEqual({ PW: '"a" B=2' });
  });

  it("refuses an env file that is not a regular file (a FIFO would block the agent)", () => {
    writeFileSync(join(dir, "ok.env"), "A=1\n");
    const app = load("services:\n  api: { image: shop/api:1, env_file: [ok.env] }\n");
    rmSync(join(dir, "ok.env"));
    execFileSync("mkfifo", [join(dir, "ok.env")]);
    expect(() => freezeApp(app)).toThrow(expect.objectContaining({ code: "E_ENV_FILE_NOT_REGULAR" }));
    rmSync(join(dir, "ok.env"));
    expect(() => freezeApp(app)).toThrow(expect.objectContaining({ code: "E_ENV_FILE_MISSING" }));
  });
});
