import { describe, expect, it } from "vitest";
import { buildLaunchCommand, type LaunchRequest } from "./launch-command.js";

const base: LaunchRequest = {
  executable: "/usr/bin/server",
  argv: ["server", "--port", "80"],
  cgroupProcsFiles: [],
  keepPwd: false,
  tools: { unshare: "/usr/bin/unshare", mount: "/usr/bin/mount", setpriv: "/usr/bin/setpriv" },
};

describe("buildLaunchCommand", () => {
  it("spawns the program directly, as the user via uid/gid, when nothing needs a wrapper", () => {
    expect(buildLaunchCommand({ ...base, user: { uid: 101, gid: 104 } })).toEqual({
      file: "/usr/bin/server",
      args: ["--port", "80"],
      argv0: "server",
      uid: 101,
      gid: 104,
    });
  });

  it("joins cgroups in a /bin/sh wrapper that execs the program", () => {
    const command = buildLaunchCommand({
      ...base,
      cgroupProcsFiles: ["/cg/memory/slipway/a'b/cgroup.procs"],
    });
    expect(command).toEqual({
      file: "/bin/sh",
      args: [
        "-c",
        `echo $$ > '/cg/memory/slipway/a'\\''b/cgroup.procs' || exit 125; unset PWD; exec "$@"`,
        "slipway-launch",
        "/usr/bin/server",
        "--port",
        "80",
      ],
      argv0: "/bin/sh",
    });
  });

  it("bind-mounts the hosts file in a private mount namespace and drops to the user last", () => {
    const command = buildLaunchCommand({
      ...base,
      hostsFile: "/run/hosts",
      user: { uid: 101, gid: 104 },
      keepPwd: true,
    });
    expect(command.file).toBe("/usr/bin/unshare");
    expect(command.uid).toBeUndefined();
    expect(command.args.slice(0, 6)).toEqual(["--mount", "--propagation", "private", "--", "/bin/sh", "-c"]);
    expect(command.args[6]).toBe(
      `'/usr/bin/mount' --bind '/run/hosts' /etc/hosts || exit 125; exec '/usr/bin/setpriv' --reuid=101 --regid=104 --clear-groups -- "$@"`,
    );
    expect(command.args.slice(7)).toEqual(["slipway-launch", "/usr/bin/server", "--port", "80"]);
  });

  it("binds a config file over an (empty, made if missing) file at its target, read-only", () => {
    const command = buildLaunchCommand({
      ...base,
      mounts: [{ source: "/run/c/0-app", target: "/etc/app/app.conf", readOnly: true, file: true }],
    });
    expect(command.args[6]).toContain(
      `{ mkdir -p '/etc/app' && { [ -e '/etc/app/app.conf' ] || : > '/etc/app/app.conf'; } && '/usr/bin/mount' --bind '/run/c/0-app' '/etc/app/app.conf' && '/usr/bin/mount' -o remount,bind,ro '/etc/app/app.conf'; }`,
    );
  });

  it("binds volumes at their target path in the private namespace, skipping one that fails with a warning", () => {
    const command = buildLaunchCommand({
      ...base,
      mounts: [
        { source: "/home/v/data", target: "/data", readOnly: false },
        { source: "/srv/conf", target: "/etc/app", readOnly: true },
      ],
    });
    expect(command.file).toBe("/usr/bin/unshare");
    const script = command.args[6]!;
    expect(script).toContain(
      `{ mkdir -p '/data' && '/usr/bin/mount' --bind '/home/v/data' '/data'; } 2>/dev/null || echo 'slipway: warning: cannot mount /home/v/data at /data; the volume is not at its Compose path' >&2`,
    );
    expect(script).toContain(
      `'/usr/bin/mount' --bind '/srv/conf' '/etc/app' && '/usr/bin/mount' -o remount,bind,ro '/etc/app'; }`,
    );
  });
});
