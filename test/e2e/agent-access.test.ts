// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose interpolation
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./cli.js";
import { send } from "./http.js";
import { isAlive } from "./procs.js";
import { LOOPBACK, liveApp } from "./router-support.js";
import { freePort, PATIENT, sandboxPerTest } from "./sandbox.js";

/**
 * The agent and its inputs against a local attacker: who may drive the agent (peer credentials),
 * lost or damaged state, inputs that could block or escape, router limits. Secrets: security.test.ts.
 */
const sandbox = sandboxPerTest();
const BIN = join(REPO, "bin/slipway");

/** Runs a Node script as another user (setpriv options), e.g. a raw API call to the agent. */
const asUser = (user: string[], script: string) =>
  spawnSync("setpriv", [...user, process.execPath, "-e", script], { encoding: "utf8", timeout: 20_000 });

/** A script printing `STATUS BODY` of one call to the agent's API (or the connection error's code). */
const apiCall = (home: string, method: string, path: string) =>
  `const r=require("http").request({socketPath:${JSON.stringify(join(home, "agent.sock"))},method:${JSON.stringify(method)},path:${JSON.stringify(path)}},res=>{let b="";res.on("data",c=>b+=c);res.on("end",()=>console.log(res.statusCode+" "+b.trim()))});r.on("error",e=>console.log(e.code));r.end("{}")`;

describe("an agent no one else can drive", PATIENT, () => {
  it("started under umask 000: a private home, 0600 files and socket, nothing for another user", async () => {
    const s = sandbox({ "compose.yaml": `name: \${E2E_PROJECT}\nservices: {}\n`, "v.txt": "x" });
    const started = spawnSync(
      "sh",
      [
        "-c",
        'umask 000 && exec "$@"',
        "sh",
        process.execPath,
        BIN,
        "secret",
        "set",
        "k",
        "--from-file",
        "v.txt",
        "-p",
        s.project,
      ],
      {
        cwd: s.dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", SLIPWAY_HOME: s.home },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(started.status, started.stderr).toBe(0);
    const modeOf = (name: string) => statSync(join(s.home, name)).mode & 0o777;
    expect(modeOf(".")).toBe(0o700);
    for (const name of [
      "state.db",
      "state.db-wal",
      "state.db-shm",
      "state.db.backup",
      "agent.sock",
      "agent.log",
      "agent.pid",
      "secrets.key",
    ])
      expect(modeOf(name), name).toBe(0o600);
    if (process.getuid?.() !== 0) return;
    const connect = asUser(
      ["--reuid=65534", "--regid=65534", "--clear-groups"],
      `require("net").connect(${JSON.stringify(join(s.home, "agent.sock"))}).on("connect",()=>{console.log("CONNECTED");process.exit(0)}).on("error",e=>{console.log(e.code);process.exit(3)})`,
    );
    expect(connect.stdout.trim()).toBe("EACCES");
    const read = asUser(
      ["--reuid=65534", "--regid=65534", "--clear-groups"],
      `require("fs").readFileSync(${JSON.stringify(join(s.home, "state.db"))})`,
    );
    expect(read.status).not.toBe(0);
    expect(read.stderr).toContain("EACCES");

    // Even with modes an operator opened by mistake, the peer's credentials decide: refused, coded,
    // and recorded with the caller's real name (not what a client could claim).
    chmodSync(s.root, 0o711);
    chmodSync(s.home, 0o711);
    chmodSync(join(s.home, "agent.sock"), 0o666);
    const down = asUser(
      ["--reuid=65534", "--regid=65534", "--clear-groups"],
      apiCall(s.home, "POST", "/v1/down"),
    );
    expect(down.stdout.trim()).toMatch(/^403 .*E_API_FORBIDDEN/);
    const cli = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, BIN, "ps", "-p", s.project],
      {
        cwd: "/",
        env: { PATH: process.env.PATH ?? "", SLIPWAY_HOME: s.home },
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain("E_API_FORBIDDEN");
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    const audit = await s.cli(["audit", "--json"]);
    const entries = (
      JSON.parse(audit.stdout) as { entries: { actor: string; action: string; outcome: string }[] }
    ).entries;
    expect(entries).toContainEqual(
      expect.objectContaining({ action: "down", outcome: "refused", actor: "nobody (uid 65534)" }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: "secret.set", actor: "root (uid 0)" }));
  });

  it("with SLIPWAY_SOCKET_GROUP: a 0660 socket, members of the group admitted, other users refused", async () => {
    if (process.getuid?.() !== 0) return;
    const s = sandbox({ "compose.yaml": `name: \${E2E_PROJECT}\nservices: {}\n` });
    chmodSync(s.root, 0o711);
    // nogroup (gid 65534) is the agent's socket group.
    expect((await s.cli(["ps"], { SLIPWAY_SOCKET_GROUP: "65534" })).code).toBe(0);
    const socket = statSync(join(s.home, "agent.sock"));
    expect([socket.mode & 0o777, socket.gid]).toEqual([0o660, 65534]);
    expect(statSync(s.home).mode & 0o777).toBe(0o710);
    const status = (user: string[]) => asUser(user, apiCall(s.home, "GET", "/v1/status")).stdout.trim();
    expect(status(["--reuid=65533", "--regid=65534", "--clear-groups"])).toMatch(/^200 /);
    expect(status(["--reuid=65533", "--regid=65533", "--groups=65534"])).toMatch(/^200 /);
    // Another user cannot even reach the socket; with its mode opened, the peer check still refuses.
    expect(status(["--reuid=65533", "--regid=65533", "--clear-groups"])).toMatch(/EACCES/);
    chmodSync(join(s.home, "agent.sock"), 0o666);
    chmodSync(s.home, 0o711);
    expect(status(["--reuid=65533", "--regid=65533", "--clear-groups"])).toMatch(/^403 .*E_API_FORBIDDEN/);
  });

  it("refuses an empty state.db with a code, leaves running instances alone, and starts again from the backup", async () => {
    const port = await freePort();
    const s = sandbox({
      "compose.yaml": `name: \${E2E_PROJECT}\nservices:\n  web:\n    build: ./app\n    command: ["node", "server.mjs"]\n    ports: ["127.0.0.1:${port}:3000"]\n`,
    });
    expect((await s.cli(["deploy"])).code).toBe(0);
    const [pid] = s.servicePids();
    expect(pid).toBeDefined();
    expect((await s.cli(["agent", "stop"])).code).toBe(0);
    copyFileSync(join(s.home, "state.db.backup"), join(s.root, "saved.db"));
    truncateSync(join(s.home, "state.db"));
    const ps = await s.cli(["ps"]);
    expect(ps.code).not.toBe(0);
    expect(ps.stderr).toContain("E_STATE_EMPTY");
    expect(ps.stderr).not.toMatch(/\n\s+at /);
    expect(isAlive(pid!)).toBe(true);
    expect(statSync(join(s.home, "state.db")).size).toBe(0);
    // The hint's remedy: the agent's backup in place of the empty file.
    copyFileSync(join(s.root, "saved.db"), join(s.home, "state.db"));
    for (const suffix of ["-wal", "-shm"]) spawnSync("rm", ["-f", join(s.home, `state.db${suffix}`)]);
    const ps2 = await s.ps();
    expect(ps2.instances.map((i) => i.pid)).toEqual([pid]);
  });
});

describe("a damaged state database", PATIENT, () => {
  it("is refused with E_STATE_CORRUPT and a hint, never a stack trace or a fresh install", async () => {
    const s = sandbox({ "compose.yaml": `name: \${E2E_PROJECT}\nservices: {}\n`, "v.txt": "x" });
    expect((await s.cli(["secret", "set", "k", "--from-file", "v.txt"])).code).toBe(0);
    expect((await s.cli(["agent", "stop"])).code).toBe(0);
    for (const suffix of ["-wal", "-shm"]) spawnSync("rm", ["-f", join(s.home, `state.db${suffix}`)]);
    writeFileSync(join(s.home, "state.db"), randomBytes(16_384));
    const ps = await s.cli(["ps"]);
    expect(ps.code).not.toBe(0);
    expect(ps.stderr).toContain("E_STATE_CORRUPT");
    expect(ps.stderr).toContain("state.db.backup");
    expect(ps.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("inputs that could block or escape", PATIENT, () => {
  it("refuses an env_file that is a FIFO at once, and a volume named '..'", async () => {
    const s = sandbox({
      "compose.yaml": `name: \${E2E_PROJECT}\nservices:\n  web:\n    build: ./app\n    command: ["node", "server.mjs"]\n    env_file: [app.env]\n`,
    });
    // Another project runs on the same agent; its `ps` answers while the FIFO deploy is refused.
    s.write({ "app.env": "A=1\n" });
    expect((await s.cli(["deploy"])).code).toBe(0);
    spawnSync("mkfifo", [join(s.dir, "fifo.env")]);
    s.write({
      "fifo.yaml": `name: fifo${s.project}\nservices:\n  web:\n    build: ./app\n    command: ["node", "server.mjs"]\n    env_file: [fifo.env]\n`,
    });
    const started = Date.now();
    const fifoDeploy = s.start(["deploy", "-f", "fifo.yaml"], {}, 30_000);
    const ps = await s.cli(["ps", "--json"], {}, 30_000);
    expect(ps.code, ps.stderr).toBe(0);
    const fifo = await fifoDeploy.done;
    expect(fifo.code).not.toBe(0);
    expect(fifo.stderr).toContain("E_ENV_FILE_NOT_REGULAR");
    expect(Date.now() - started).toBeLessThan(25_000);

    s.write({
      "compose.yaml": `name: \${E2E_PROJECT}\nservices:\n  db:\n    image: redis:7\n    volumes: [{ type: volume, source: "..", target: /data }]\nvolumes:\n  "..": {}\n`,
    });
    const dotdot = await s.cli(["deploy"], {}, 30_000);
    expect(dotdot.code).toBe(2);
    expect(dotdot.stderr).toMatch(/start with a letter or digit/);
    // A project named '..' and a backup id that climbs out of its store: refused with a code.
    const project = await s.cli(["deploy", "-p", ".."], {}, 30_000);
    expect(project.code).toBe(2);
    expect(project.stderr).toMatch(/E_MANIFEST_\w+ .*\.\./);
    const backupId = await s.cli(["backup", "restore", "../../../etc", "--yes"], {}, 30_000);
    expect(backupId.code).not.toBe(0);
    expect(backupId.stderr).toMatch(/E_BACKUP_(CONFIG|NOT_FOUND)/);
    expect(backupId.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("router limits from the manifest", PATIENT, () => {
  it("answers 429 over x-slipway.router.rate_limit and 413 over max_body_size", async () => {
    const http = await freePort();
    const s = sandbox({
      "compose.yaml": liveApp({
        http,
        https: await freePort(),
        router: "rate_limit: { requests_per_second: 1, burst: 2 }, max_body_size: 1k",
      }),
    });
    s.copyApp("live", "live");
    const deploy = await s.cli(["deploy"], LOOPBACK);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(http)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const big = await send(http, { method: "POST", path: "/echo", body: "x".repeat(4096) });
    expect(big.status).toBe(413);
  });
});
