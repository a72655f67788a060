import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type PeerCredentials, peerCredentials } from "./peer-credentials.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** Serves a socket in a world-open directory and resolves with the first client's credentials. */
async function credentialsOfClient(connect: (path: string) => void): Promise<PeerCredentials> {
  const dir = mkdtempSync(join(tmpdir(), "peercred-"));
  chmodSync(dir, 0o777);
  const path = join(dir, "s.sock");
  const server = createServer();
  cleanup.push(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  chmodSync(path, 0o777);
  const seen = new Promise<PeerCredentials>((resolve, reject) =>
    server.once("connection", (socket: Socket) => {
      try {
        resolve(peerCredentials(socket));
      } catch (error) {
        reject(error);
      } finally {
        socket.destroy();
      }
    }),
  );
  connect(path);
  return seen;
}

describe("peerCredentials (SO_PEERCRED through native/peercred)", () => {
  it("names this process when it connects itself", async () => {
    const { createConnection } = await import("node:net");
    const peer = await credentialsOfClient((path) => createConnection(path).on("error", () => {}));
    expect(peer).toMatchObject({ pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
  });

  it("names another user's process by its uid, gid and supplementary groups", async () => {
    if (process.getuid?.() !== 0) return;
    const script = `require("net").createConnection(process.argv[1]).on("error",()=>{}).on("close",()=>process.exit(0))`;
    let child: ReturnType<typeof spawn> | undefined;
    const peer = await credentialsOfClient((path) => {
      child = spawn(
        "setpriv",
        ["--reuid=65534", "--regid=65533", "--groups=65532", process.execPath, "-e", script, path],
        {
          stdio: "ignore",
        },
      );
    });
    cleanup.push(() => child?.kill());
    expect(peer).toMatchObject({ uid: 65534, gid: 65533, groups: [65532] });
    expect(peer.pid).toBe(child?.pid);
  });

  it("throws for a socket without a peer", () => {
    const server = createServer();
    expect(() => peerCredentials(server as unknown as Socket)).toThrow();
  });
});
