/**
 * Reproductions of loader bugs found by the fixture, differential and property suites that do not
 * fit a fixture folder (they crash or hang the loader). Each test states the correct behaviour, so
 * it fails until the bug is fixed. Bugs that fit a fixture are in test/fixtures (look for `"bug"`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../../test/manifest/fixtures.js";
import { type LoadOptions, type LoadResult, loadManifest } from "./load.js";

const root = mkdtempSync(join(tmpdir(), "slipway-loader-bugs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** Writes `files` into a fresh project directory and returns it. */
function project(files: Record<string, string | null>): string {
  const dir = join(root, `p${++counter}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(dir, name), { recursive: true });
    else writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads, failing the test (instead of crashing it) when the loader throws. */
function load(options: LoadOptions): LoadResult {
  let result: LoadResult | undefined;
  expect(() => {
    result = loadManifest({ env: {}, ...options });
  }).not.toThrow();
  return result!;
}

const errorCodes = (result: LoadResult) =>
  result.problems.filter((p) => p.severity !== "warning").map((p) => p.code);

const WEB = "services:\n  web:\n    image: nginx:1.27\n";

describe("env files that are directories (environment.ts reads them without a check)", () => {
  it("a directory named .env in the project does not crash the loader", () => {
    const dir = project({ "compose.yaml": WEB, ".env": null });
    const result = load({ cwd: dir });
    // Compose fails here too; an E_MANIFEST_ENV_FILE problem (or ignoring it) is fine, a throw is not
    expect(result.problems.every((p) => /^[EW]_/.test(p.code))).toBe(true);
  });

  it("a default .env that is a directory (a Python virtualenv) is ignored, as Compose does", () => {
    const dir = project({ "compose.yaml": WEB, ".env": null });
    const result = load({ cwd: dir });
    expect(errorCodes(result)).toEqual([]);
    expect(result.spec).toBeDefined();
  });

  it("--env-file naming a directory is reported as E_MANIFEST_ENV_FILE", () => {
    const dir = project({ "compose.yaml": WEB, conf: null });
    const result = load({ cwd: dir, envFiles: ["conf"] });
    expect(errorCodes(result)).toContain("E_MANIFEST_ENV_FILE");
  });

  it("--env-file /dev/null (and an include's) means no variables, as in Compose, not a refused device", () => {
    const dir = project({
      "compose.yaml": "include:\n  - path: sub/compose.yaml\n    env_file: /dev/null\n",
      ".env": "IMAGE=from-dotenv\n",
      sub: null,
      "sub/compose.yaml": `services:\n  web:\n    image: $\{IMAGE:-nginx:1.27}\n`,
      "sub/.env": "IMAGE=from-sub-dotenv\n",
    });
    const result = load({ cwd: dir, envFiles: ["/dev/null"] });
    expect(errorCodes(result)).toEqual([]);
    expect(result.spec?.services.web?.image).toBe("nginx:1.27");
  });

  it("include.env_file naming a directory is reported, not thrown", () => {
    const dir = project({
      "compose.yaml": "include:\n  - path: sub/compose.yaml\n    env_file: sub\n",
      sub: null,
      "sub/compose.yaml": WEB,
    });
    const result = load({ cwd: dir });
    expect(result.spec).toBeUndefined();
    expect(errorCodes(result)).toContain("E_MANIFEST_ENV_FILE");
  });
});

describe("command strings shell-quote cannot split (scalars.ts splitShellWords throws inside zod)", () => {
  it('command: echo $${oops (an unclosed "${" after interpolation) is an error, not a throw', () => {
    const dir = project({ "compose.yaml": `${WEB}    command: echo $\${oops\n` });
    const result = load({ cwd: dir });
    expect(result.spec).toBeUndefined();
    expect(result.problems.find((p) => p.severity !== "warning")?.location?.line).toBe(4);
  });

  it("command: node ${ reports the interpolation error instead of throwing", () => {
    const dir = project({ "compose.yaml": `${WEB}    command: node \${\n` });
    const result = load({ cwd: dir });
    expect(errorCodes(result)).toContain("E_MANIFEST_INTERPOLATION");
  });

  it("a value whose interpolation failed is reported once, not again by validation", () => {
    const dir = project({ "compose.yaml": `${WEB}    command: node \${\n` });
    expect(errorCodes(load({ cwd: dir }))).toEqual(["E_MANIFEST_INTERPOLATION"]);
  });
});

describe("COMPOSE_PROJECT_NAME and COMPOSE_PROFILES in .env (load.ts read the process environment only)", () => {
  const DOTENV = "COMPOSE_PROJECT_NAME=fromdotenv\nCOMPOSE_PROFILES=debug\n";
  const DEBUG = `${WEB}  debug:\n    image: busybox:1.36\n    profiles: [debug]\n`;

  it("the process environment wins over .env", () => {
    const dir = project({ "compose.yaml": DEBUG, ".env": DOTENV });
    const result = load({ cwd: dir, env: { COMPOSE_PROJECT_NAME: "fromenv", COMPOSE_PROFILES: "" } });
    expect(result.spec?.name).toBe("fromenv");
    expect(result.spec?.disabledServices).toEqual(["debug"]);
  });

  it("-p and --profile win over both", () => {
    const dir = project({ "compose.yaml": DEBUG, ".env": DOTENV });
    const result = load({ cwd: dir, projectName: "flag", profiles: ["other"] });
    expect(result.spec?.name).toBe("flag");
    expect(result.spec?.disabledServices).toEqual(["debug"]);
  });
});

describe("null entries in merged lists (merge.ts UNIQUE_BY reads .target of null)", () => {
  const NULL_VOLUME = `${WEB}    volumes:\n      -\n`;

  it("a null volume merged with compose.override.yaml is a type error, not a TypeError", () => {
    const dir = project({
      "compose.yaml": NULL_VOLUME,
      "compose.override.yaml": 'services:\n  web:\n    volumes: ["./a:/a"]\n',
    });
    const result = load({ cwd: dir });
    expect(errorCodes(result)).toContain("E_MANIFEST_TYPE");
  });

  it("a null volume in a service that extends another is a type error, not a TypeError", () => {
    const dir = project({
      "compose.yaml": `services:\n  base:\n    image: nginx:1.27\n    volumes: ["./a:/a"]\n  web:\n    extends: base\n    volumes:\n      -\n`,
    });
    const result = load({ cwd: dir });
    expect(errorCodes(result)).toContain("E_MANIFEST_TYPE");
  });

  it("a null secret merged with compose.override.yaml is a type error, not a TypeError", () => {
    const dir = project({
      "compose.yaml": `${WEB}    secrets:\n      -\n`,
      "compose.override.yaml": "services:\n  web:\n    secrets: [token]\nsecrets:\n  token:\n    file: ./t\n",
    });
    const result = load({ cwd: dir });
    expect(errorCodes(result)).toContain("E_MANIFEST_TYPE");
  });
});

describe("YAML aliases (parse-yaml.ts expands them without a limit)", () => {
  it("an alias bomb (9 levels of 9 aliases, 9^9 nodes) is refused within seconds", {
    timeout: 30_000,
  }, () => {
    let text = "x-a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 9; i++)
      text += `x-a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    const dir = project({ "compose.yaml": `${text}${WEB}` });
    // in a child process, because a hanging loader cannot be interrupted in this one
    const script = [
      `import { loadManifest } from ${JSON.stringify(pathToFileURL(join(REPO, "src/manifest/load.ts")).href)};`,
      `const result = loadManifest({ cwd: ${JSON.stringify(dir)}, env: {} });`,
      "console.log(JSON.stringify(result.problems.map((p) => p.code)));",
    ].join("\n");
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 10_000,
      maxBuffer: 1 << 20,
    });
    expect(child.signal, `the loader ran for more than 10 s (${child.stderr.slice(0, 300)})`).toBeNull();
    expect(JSON.parse(child.stdout.trim().split("\n").pop() ?? "[]")).toContain("E_MANIFEST_YAML");
  });
});
