import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findAccount } from "../host/system-user.js";
import { loadManifest } from "../manifest/load.js";
import { artifactHash, buildService } from "./build.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-build-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("findAccount", () => {
  it("reads uid, gid and home of a passwd line", () => {
    const passwd =
      "root:x:0:0:root:/root:/bin/bash\nslipway-build:x:998:998::/var/lib/slipway-build:/usr/sbin/nologin\n";
    expect(findAccount(passwd, "slipway-build")).toEqual({
      name: "slipway-build",
      uid: 998,
      gid: 998,
      home: "/var/lib/slipway-build",
    });
    expect(findAccount(passwd, "nobody")).toBeUndefined();
  });
});

describe("buildService as root", () => {
  it("runs the build as the unprivileged build user, with its own HOME, and leaves an artifact the agent owns", async () => {
    if (process.getuid?.() !== 0) return;
    writeFileSync(join(dir, "app.txt"), "source\n");
    writeFileSync(
      join(dir, "compose.yaml"),
      `services:\n  web:\n    build: .\n    x-slipway: { process: { build: "id -u > BUILT_BY; echo $$HOME > BUILD_HOME; ln -s /etc/shadow link" } }\n`,
    );
    const { spec } = loadManifest({ files: [join(dir, "compose.yaml")], env: {} });
    const web = spec!.services.web!;
    const buildHash = artifactHash(web);
    const artifacts = join(dir, "artifacts");
    const built = await buildService(web, { revision: "r1", buildHash }, artifacts);
    const app = built.appDir!;
    const account = findAccount(readFileSync("/etc/passwd", "utf8"), "slipway-build")!;
    expect(Number(readFileSync(join(app, "BUILT_BY"), "utf8"))).toBe(account.uid);
    expect(account.uid).not.toBe(0);
    expect(readFileSync(join(app, "BUILD_HOME"), "utf8").trim()).toBe(account.home);
    for (const name of ["", "BUILT_BY", "app.txt"]) expect(statSync(join(app, name)).uid, name).toBe(0);
    // A link the build made is the agent's too, and its target was not touched.
    expect(lstatSync(join(app, "link")).uid).toBe(0);
    expect(statSync("/etc/shadow").uid).toBe(0);
  });
});
