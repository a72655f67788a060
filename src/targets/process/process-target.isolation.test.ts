import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processFixtures, sh } from "./process-fixtures.js";
import { ProcessRunner } from "./process-runner.js";
import { RunnerHarness } from "./runner-harness.js";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("process-target isolation tests skipped: they need root (hosts file, user switch)");

describe("ProcessRunner isolation", () => {
  const warnings: string[] = [];
  let h: RunnerHarness;
  beforeEach(async () => {
    warnings.length = 0;
    const target = new ProcessRunner({ onWarning: (id, message) => warnings.push(`${id}: ${message}`) });
    h = await RunnerHarness.create(target, processFixtures);
  });
  afterEach(() => h.cleanup());

  it.skipIf(!isRoot)(
    "makes names in the hosts file resolve, leaving the machine's /etc/hosts alone",
    async () => {
      const hostsFile = join(h.dir, "hosts");
      await writeFile(hostsFile, "127.0.0.1 localhost\n10.9.8.7 somename\n");
      const result = await h.target.runJob(h.spec(["getent", "hosts", "somename"], { hostsFile }), 10_000);
      expect(result).toMatchObject({ exitCode: 0 });
      expect(result.output).toMatch(/^10\.9\.8\.7\s+somename/);
      expect(await h.target.runJob(h.spec(["getent", "hosts", "somename"]), 10_000)).toMatchObject({
        exitCode: 2,
      });
    },
  );

  it.skipIf(!isRoot)("keeps the PID it reported and adds nothing to the env when wrapped", async () => {
    const hostsFile = join(h.dir, "hosts");
    await writeFile(hostsFile, "10.9.8.7 somename\n");
    const spec = h.spec(sh("echo pid=$$; exec sleep 30"), { hostsFile });
    const handle = await h.start(spec);
    await h.waitForLog(spec, "pid=");
    expect(await h.readLog(spec, "stdout")).toBe(`pid=${handle.pid}\n`);
    const env = { PATH: "/usr/bin:/bin", ONLY: "this" };
    const result = await h.target.runJob(
      h.spec(["env"], { hostsFile, env, logDir: join(h.dir, "job") }),
      10_000,
    );
    expect(result.output.trim().split("\n").sort()).toEqual(["ONLY=this", "PATH=/usr/bin:/bin"]);
  });

  it.skipIf(!isRoot)("runs as another user, also together with a hosts file", async () => {
    const asPostgres = { user: "postgres", cwd: "/" };
    expect((await h.target.runJob(h.spec(["id", "-un"], asPostgres), 10_000)).output.trim()).toBe("postgres");
    const hostsFile = join(h.dir, "hosts");
    await writeFile(hostsFile, "10.9.8.7 somename\n");
    const spec = h.spec(sh("id -un; getent hosts somename"), {
      ...asPostgres,
      hostsFile,
      logDir: join(h.dir, "svc"),
    });
    await h.target.waitForExit(await h.start(spec));
    expect(await h.readLog(spec, "stdout")).toMatch(/^postgres\n10\.9\.8\.7\s+somename/);
  });

  it.skipIf(!isRoot)(
    "binds a volume at its target path for the instance only, and warns for one it cannot",
    async () => {
      const data = join(h.dir, "volume");
      await mkdir(data);
      const target = join(h.dir, "mnt", "data");
      const unmountable = "/proc/slipway-no-such-dir/data";
      const spec = h.spec(sh(`echo written > ${target}/file; cat ${target}/file`), {
        mounts: [
          { source: data, target, readOnly: false },
          { source: data, target: unmountable, readOnly: false },
        ],
      });
      const result = await h.target.runJob(spec, 10_000);
      expect(result).toMatchObject({ exitCode: 0 });
      expect(result.output).toContain("written");
      expect(result.output).toContain(`slipway: warning: cannot mount ${data} at ${unmountable}`);
      // The data is in the volume; outside the instance's namespace the target is an empty directory.
      expect(await readFile(join(data, "file"), "utf8")).toBe("written\n");
      expect(await readdir(target)).toEqual([]);
    },
  );

  it.skipIf(!isRoot)("rejects an unknown user with E_TARGET_START", async () => {
    const start = h.target.start(h.spec(["true"], { user: "slipway-no-such-user" }));
    await expect(start).rejects.toMatchObject({
      code: "E_TARGET_START",
      message: /unknown user: slipway-no-such-user/,
    });
  });

  it("reports a job whose command is missing like a shell does (127)", async () => {
    const result = await h.target.runJob(h.spec(["slipway-no-such-command"]), 10_000);
    expect(result).toEqual({
      exitCode: 127,
      signal: null,
      timedOut: false,
      output: "command not found: slipway-no-such-command\n",
    });
  });

  it("warns instead of failing when limits cannot be enforced", async () => {
    const unlimited = new ProcessRunner({
      cgroupRoot: h.dir,
      onWarning: (id, message) => warnings.push(`${id}: ${message}`),
    });
    expect(unlimited.capabilities).toEqual({ nativeRollout: false, enforcesLimits: false });
    const spec = h.spec(["true"], { id: "limited", limits: { memoryBytes: 1 << 26, pids: 10 } });
    expect(await unlimited.runJob(spec, 10_000)).toMatchObject({ exitCode: 0 });
    expect(warnings).toEqual([
      "limited: memory limit not enforced: cgroups not writable",
      "limited: pids limit not enforced: cgroups not writable",
    ]);
  });
});
