import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../network/ports.js";

/** Debian's real `prometheus-alertmanager` on a free loopback port, clustering off, in a temporary directory. */
export class AlertmanagerServer {
  private output = "";
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
  }

  static async start(): Promise<AlertmanagerServer> {
    const dir = mkdtempSync(join(tmpdir(), "slipway-alertmanager-"));
    writeFileSync(
      join(dir, "alertmanager.yml"),
      'route: { receiver: "none" }\nreceivers: [{ name: "none" }]\n',
    );
    const port = await freePort();
    const child = spawn(
      "prometheus-alertmanager",
      [
        `--config.file=${join(dir, "alertmanager.yml")}`,
        `--storage.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const server = new AlertmanagerServer(child, dir, `http://127.0.0.1:${port}`);
    for (const deadline = Date.now() + 20_000; ; ) {
      const ready = await fetch(`${server.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return server;
      if (Date.now() > deadline || child.exitCode !== null) {
        await server.stop();
        throw new Error(`alertmanager did not start:\n${server.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Active alerts by their labels (`GET /api/v2/alerts`). */
  async alerts(): Promise<{ labels: Record<string, string>; annotations: Record<string, string> }[]> {
    return (
      await fetch(`${this.url}/api/v2/alerts?active=true&silenced=true&inhibited=true`)
    ).json() as never;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
