import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/network/ports.js";
import { isAlive } from "./procs.js";

/** One sample of an instant vector from Prometheus's HTTP API. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/** Debian's real `prometheus`, scraping the given loopback targets every second, with its own data dir. */
export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private output: { text: string },
  ) {}

  static async start(targets: readonly string[]): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), "slipway-prometheus-"));
    const port = await freePort();
    const config = [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      "scrape_configs:",
      "  - job_name: slipway",
      `    static_configs: [{ targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}] }]`,
      "",
    ].join("\n");
    writeFileSync(join(dir, "prometheus.yml"), config);
    const child = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const output = { text: "" };
    child.stdout!.on("data", (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output.text += chunk.toString();
    });
    return new PrometheusServer(child, dir, `http://127.0.0.1:${port}`, output);
  }

  /** What prometheus printed (for a failing test's message). */
  get log(): string {
    return this.output.text.slice(-4000);
  }

  /** An instant PromQL query; throws with Prometheus's error when it fails. */
  async query(promql: string): Promise<PromSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== "success") throw new Error(`PromQL ${promql}: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The single value of a query that yields one sample, else undefined. */
  async value(promql: string): Promise<number | undefined> {
    const result = await this.query(promql);
    return result.length === 1 ? result[0]!.value : undefined;
  }

  /** SIGTERM, then SIGKILL if it lingers; removes its data directory. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined && isAlive(pid)) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
