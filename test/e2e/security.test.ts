// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose interpolation and secret references
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, PATIENT, type Sandbox, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();
const planted = (label: string) => `planted-${label}-${randomBytes(8).toString("hex")}`;
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** Every file under the home, with its content: what a local attacker (or a backup of it) could read. */
function homeFiles(home: string): { path: string; content: Buffer }[] {
  return readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => ({ path, content: readFileSync(path) }));
}

/** `slipway run web -- …` printing only a hash of what the instance sees (its output is kept in state). */
async function seenHash(s: Sandbox): Promise<string> {
  const script = '{ printf "%s|%s|" "$API_SECRET" "$AUTH_HEADER"; cat "$DB_PASSWORD_FILE"; } | sha256sum';
  const result = await s.cli(["run", "web", "--", "sh", "-c", script]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return result.stdout;
}

const compose = (port: number, environment = "") => `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${port}:3000"]
    env_file: [app.env]
    environment:
      AUTH_HEADER: "Bearer \${secret:bot_token}"
${environment}    secrets: [db_password]
    x-slipway: { process: { build: "env > BUILD_ENV; id -u > BUILD_UID" } }
secrets:
  db_password:
    file: ./db_password.txt
`;

describe("secrets that stay secret", PATIENT, () => {
  it("keeps planted values out of the home, the stored releases and every CLI output through deploy, rotation and a failed deploy", async () => {
    const port = await freePort();
    const values = {
      apiSecret: planted("api"),
      botToken: planted("bot"),
      dbPassword: planted("db"),
      rotated: planted("rotated"),
      failed: planted("failed"),
      crash: planted("crash"),
      agentEnv: planted("aws"),
    };
    const s = sandbox({
      "compose.yaml": compose(port),
      "app.env": `API_SECRET=${values.apiSecret}\n`,
      "db_password.txt": values.dbPassword,
      "bot.txt": values.botToken,
    });
    const outputs: string[] = [];
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const result = await s.cli(args, env);
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    // The first command starts the agent: with a cloud key in its environment that no build may see.
    const set = await run(["secret", "set", "bot_token", "--from-file", "bot.txt"], {
      AWS_SECRET_ACCESS_KEY: values.agentEnv,
    });
    expect(set.code, set.stderr).toBe(0);
    const deploy = await run(["deploy", "--json"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);

    // The instance gets the values (environment and a 0400 file); only a hash is printed.
    expect(await seenHash(s)).toContain(
      sha(`${values.apiSecret}|Bearer ${values.botToken}|${values.dbPassword}`),
    );

    // Rotation: a new version rolled out; the instance sees the new value.
    writeFileSync(join(s.dir, "bot.txt"), values.rotated);
    const rotate = await run(["secret", "rotate", "bot_token", "--from-file", "bot.txt", "--json"]);
    expect(rotate.code, rotate.stdout + rotate.stderr).toBe(0);
    expect(await seenHash(s)).toContain(
      sha(`${values.apiSecret}|Bearer ${values.rotated}|${values.dbPassword}`),
    );

    // A failed deploy with a new secret value, whose app prints a secret as it dies: rolled back, the
    // new value sealed, and the printed one hidden from the error, the events and the CLI.
    s.write({
      "app.env": `API_SECRET=${values.failed}\n`,
      "crash.txt": values.crash,
      "compose.yaml": compose(port, '      EXIT_AT_START: "${secret:crash}"\n'),
    });
    expect((await run(["secret", "set", "crash", "--from-file", "crash.txt"])).code).toBe(0);
    const failed = await run(["deploy", "--json"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout).toContain("[redacted]");

    // `secret rm` removes every version (the failed release that named it stays failed); an unknown name is coded.
    expect((await run(["secret", "rm", "crash"])).code).toBe(0);
    const unknown = await run(["secret", "rm", "crash"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("E_SECRET_NOT_FOUND");

    for (const args of [
      ["releases", "--json"],
      ["config"],
      ["secret", "ls", "--json"],
      ["audit", "--json"],
      ["ps", "--json"],
    ])
      expect((await run(args)).code, args.join(" ")).toBe(0);
    const ls = JSON.parse(outputs.at(-6)!) as { secrets: { name: string; latest: number }[] };
    expect(ls.secrets.find((x) => x.name === "bot_token")?.latest).toBe(2);
    expect(ls.secrets.map((x) => x.name)).not.toContain("crash");

    const secretsDir = join(s.home, "run", s.project, "web", "secrets");
    for (const [label, value] of Object.entries(values)) {
      for (const text of outputs) expect(text.includes(value), `${label} in CLI output`).toBe(false);
      for (const file of homeFiles(s.home)) {
        // Delivered files hold the value on purpose: 0400, owned by the service's user, in a 0700 directory.
        if (file.path.startsWith(secretsDir)) continue;
        // What the app printed itself lands in its own log files: its output, not slipway's.
        if (label === "crash" && file.path.startsWith(join(s.home, "logs"))) continue;
        expect(file.content.includes(value), `${label} in ${file.path}`).toBe(false);
      }
    }
    for (const file of homeFiles(secretsDir)) expect(statSync(file.path).mode & 0o777).toBe(0o400);

    // The build ran with a minimal environment: not the agent's cloud key.
    const buildEnvs = homeFiles(join(s.home, "artifacts")).filter((f) => f.path.endsWith("BUILD_ENV"));
    expect(buildEnvs.length).toBeGreaterThan(0);
    for (const file of buildEnvs) expect(file.content.toString()).not.toContain("AWS_SECRET_ACCESS_KEY");
    // An agent running as root builds as the unprivileged slipway-build user; the artifact is its own.
    if (process.getuid?.() === 0) {
      const builtBy = homeFiles(join(s.home, "artifacts")).filter((f) => f.path.endsWith("BUILD_UID"));
      expect(builtBy.length).toBeGreaterThan(0);
      const buildUid = spawnSync("id", ["-u", "slipway-build"], { encoding: "utf8" }).stdout.trim();
      for (const file of builtBy) {
        expect(file.content.toString().trim()).toBe(buildUid);
        expect(statSync(file.path).uid).toBe(0);
      }
      expect(buildUid).not.toBe("0");
    }

    // Every action is in the audit log, without values.
    const audit = JSON.parse(outputs.at(-4)!) as { entries: { action: string; outcome: string }[] };
    expect(audit.entries.map((e) => `${e.action}:${e.outcome}`)).toEqual(
      expect.arrayContaining([
        "secret.set:succeeded",
        "deploy:succeeded",
        "secret.rotate:succeeded",
        "deploy:failed",
        "secret.rm:succeeded",
      ]),
    );
  });
});

describe("a service that runs as another user", PATIENT, () => {
  it("reads its own secret file and nothing else of the home", async () => {
    if (process.getuid?.() !== 0) return;
    const port = await freePort();
    const [value, otherValue] = [planted("nobody"), planted("other")];
    const s = sandbox({
      "compose.yaml": `name: \${E2E_PROJECT}
services:
  web:
    build: ./app
    command: ["node", "server.mjs"]
    user: "65534"
    ports: ["127.0.0.1:${port}:3000"]
    volumes: ["webdata:/data"]
    secrets: [{ source: token, mode: 0o400 }]
  other:
    build: ./app
    command: ["node", "server.mjs"]
    ports: ["127.0.0.1:${await freePort()}:3000"]
    environment: { OTHER_TOKEN: "\${secret:other_token}" }
    secrets: [other_token]
secrets:
  token:
    file: ./token.txt
  other_token:
    file: ./other.txt
volumes:
  webdata: {}
`,
      "token.txt": value,
      "other.txt": otherValue,
    });
    // The sandbox's temporary root is 0700; a real home's parent (/var/lib) lets users pass.
    chmodSync(s.root, 0o711);
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const script = 'id -u; sha256sum < "$TOKEN_FILE"';
    const run = await s.cli(["run", "web", "--", "sh", "-c", script], {});
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("65534");
    expect(run.stdout).toContain(sha(value));

    // Everything in the home, tried as the service's user: only its own files open.
    const entries = readdirSync(s.home, { recursive: true, withFileTypes: true }).map((entry) => ({
      path: join(entry.parentPath, entry.name),
      dir: entry.isDirectory(),
    }));
    const probe = spawnSync(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        process.execPath,
        "-e",
        `const fs=require("fs");for(const [p,d] of JSON.parse(process.argv[1])){try{d?fs.readdirSync(p):fs.closeSync(fs.openSync(p,"r"));console.log(p)}catch{}}`,
        JSON.stringify([[s.home, true], ...entries.map((e) => [e.path, e.dir])]),
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    const readable = probe.stdout.split("\n").filter(Boolean);
    const own = [
      join(s.home, "run", s.project, "web", "secrets"),
      join(s.home, "logs", s.project),
      join(s.home, "volumes", s.project, "webdata"),
      join(s.home, "artifacts", s.project, "web"),
      // The project's names for its services, mounted as the instance's /etc/hosts.
      join(s.home, "run", s.project, "hosts"),
    ];
    const foreign = readable.filter((path) => !own.some((dir) => path.startsWith(dir)));
    expect(foreign).toEqual([]);
    for (const path of readable.filter((p) => p.startsWith(join(s.home, "logs"))))
      expect(path.startsWith(join(s.home, "logs", s.project, `${s.project}.web.`)), path).toBe(true);
    expect(readable.some((path) => path.includes("/secrets/") && statSync(path).isFile())).toBe(true);
    expect(readable.some((path) => path.startsWith(join(s.home, "volumes")))).toBe(true);
  });
});
