import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { project, slipway } from "./cli.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});
const make = (files: Record<string, string>) => {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
};

const BASE = `
services:
  web:
    image: nginx:1.27
    command: nginx -g "daemon off;"
    ports: ["8080:80"]
    environment: [A=1, "B=\${B_VALUE:-fallback}"]
    volumes: [./html:/usr/share/nginx/html:ro]
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data:
`;

describe("slipway config", () => {
  it("prints the normalized model as YAML with sorted keys and absolute paths", () => {
    const dir = make({ "compose.yaml": BASE });
    const result = slipway(["config"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = parse(result.stdout);
    expect(Object.keys(doc)).toEqual([
      "configs",
      "name",
      "networks",
      "secrets",
      "services",
      "volumes",
      "x-slipway",
    ]);
    expect(doc.name).toBe(
      dir
        .split("/")
        .pop()!
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, ""),
    );
    expect(doc.services.web.command).toEqual(["nginx", "-g", "daemon off;"]);
    expect(doc.services.web.environment).toEqual({ A: "1", B: "fallback" });
    expect(doc.services.web.ports).toEqual([
      { mode: "ingress", protocol: "tcp", published: "8080", target: 80 },
    ]);
    expect(doc.services.web.volumes[0]).toMatchObject({
      type: "bind",
      source: `${dir}/html`,
      read_only: true,
    });
    expect(doc.volumes.data.name).toBe(`${doc.name}_data`);
    expect(doc.services.db["x-slipway"].strategy).toBe("recreate");
    expect(doc.services.web["x-slipway"].strategy).toBe("rolling");
  });

  it("merges repeated -f files, takes --env-file, -p and --profile", () => {
    const dir = make({
      "compose.yaml": BASE,
      "prod.yaml": `services:\n  web:\n    command: ["nginx"]\n    ports: ["8443:443"]\n    environment: { A: "2" }\n  tools:\n    image: busybox:1\n    profiles: [debug]\n`,
      "prod.env": "B_VALUE=from-env-file\n",
    });
    const args = [
      "config",
      "--format",
      "json",
      "-f",
      "compose.yaml",
      "-f",
      "prod.yaml",
      "--env-file",
      "prod.env",
      "-p",
      "shop",
    ];
    const result = slipway(args, { cwd: dir });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.name).toBe("shop");
    expect(doc.services.web.command).toEqual(["nginx"]);
    expect(doc.services.web.ports.map((p: { published: string }) => p.published)).toEqual(["8080", "8443"]);
    expect(doc.services.web.environment).toEqual({ A: "2", B: "from-env-file" });
    expect(doc.services.tools).toBeUndefined();
    const withProfile = JSON.parse(slipway([...args, "--profile", "debug"], { cwd: dir }).stdout);
    expect(withProfile.services.tools.image).toBe("busybox:1");
  });

  it("the process environment wins over the .env file", () => {
    const dir = make({ "compose.yaml": BASE, ".env": "B_VALUE=dotenv\n" });
    expect(JSON.parse(slipway(["config", "--json"], { cwd: dir }).stdout).services.web.environment.B).toBe(
      "dotenv",
    );
    const fromShell = slipway(["config", "--json"], { cwd: dir, env: { B_VALUE: "shell" } });
    expect(JSON.parse(fromShell.stdout).services.web.environment.B).toBe("shell");
  });

  it("reports every mistake with file:line:col, code and hint, exit 2, no stack trace", () => {
    const dir = make({
      "compose.yaml": `services:\n  api:\n    image: node:20\n    prots: ["80:80"]\n    restart: sometimes\n    deploy:\n      replicas: lots\n`,
    });
    const result = slipway(["config"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      'compose.yaml:4:5 E_MANIFEST_UNKNOWN_KEY unknown key "prots" in services.api',
    );
    expect(result.stderr).toContain('hint: did you mean "ports"?');
    expect(result.stderr).toMatch(/compose\.yaml:5:14 E_MANIFEST_\w+ .*restart/);
    expect(result.stderr).toMatch(/compose\.yaml:7:17 E_MANIFEST_\w+ .*replicas/);
    expect(result.stderr).toContain("3 problems");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--json puts the error on stdout as {error:{code,message,file,line,column,path,hint}}", () => {
    const dir = make({ "compose.yaml": "services:\n  api:\n    image: node:20\n    ports: 80\n" });
    const result = slipway(["config", "--json"], { cwd: dir });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout);
    expect(error).toMatchObject({ code: "E_MANIFEST_TYPE", line: 4, column: 12, path: "services.api.ports" });
    expect(error.file).toBe(`${dir}/compose.yaml`);
    expect(typeof error.hint).toBe("string");
  });

  it("a missing file, a bad flag and a bad --format are input errors (exit 2)", () => {
    const dir = make({ "compose.yaml": BASE });
    const missing = slipway(["config", "-f", "nope.yaml"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("E_MANIFEST_NOT_FOUND");
    expect(slipway(["config", "--bogus"], { cwd: dir }).code).toBe(2);
    const format = slipway(["config", "--format", "toml"], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("E_CLI_USAGE");
    const empty = make({});
    const none = slipway(["config"], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no Compose file");
  });

  it("loads the example bot platform", () => {
    const result = slipway(["config", "--json", "-f", "examples/bot-platform/compose.yaml"], {
      cwd: `${import.meta.dirname}/../..`,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout).services).sort()).toEqual([
      "analytics",
      "api",
      "bot",
      "cache",
      "db",
      "fake-telegram",
      "frontend",
      "migrate",
      "runtime",
    ]);
  });
});
