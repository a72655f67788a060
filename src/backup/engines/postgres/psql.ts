import { randomBytes } from "node:crypto";
import { runTool, startTool, type Tool } from "../tool-process.js";
import { psqlArgs } from "./argv.js";
import { type PgConnection, pgEnv, pgTool } from "./connection.js";

/** Runs an SQL script with psql; rejects with `E_BACKUP_TOOL` at its first error. */
export async function psqlRun(connection: PgConnection, database: string, script: string): Promise<string> {
  return runTool(pgTool("psql"), psqlArgs(connection, database), {
    env: pgEnv(connection),
    runAs: connection.runAs,
    input: script,
  });
}

/**
 * One psql session kept open across several statements (to hold a transaction and its exported
 * snapshot while pg_dump runs). Each `query` waits for a marker echoed after the statement.
 */
export class PsqlSession {
  private output = "";
  private waiting:
    | { marker: string; resolve: (text: string) => void; reject: (error: unknown) => void }
    | undefined;
  private failure: unknown;

  private constructor(private readonly tool: Tool) {
    tool.child.stdout?.setEncoding("utf8");
    tool.child.stdout?.on("data", (text: string) => {
      this.output += text;
      this.deliver();
    });
    tool.exited.then(
      () => this.fail(new Error("psql ended")),
      (error: unknown) => this.fail(error),
    );
  }

  static open(connection: PgConnection, database: string): PsqlSession {
    return new PsqlSession(
      startTool(pgTool("psql"), psqlArgs(connection, database), {
        env: pgEnv(connection),
        runAs: connection.runAs,
      }),
    );
  }

  /** Runs `sql` (one or more statements) and returns what it printed. */
  query(sql: string): Promise<string> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error("one psql query at a time"));
    const marker = `--slipway-${randomBytes(6).toString("hex")}--`;
    return new Promise<string>((resolve, reject) => {
      this.waiting = { marker, resolve, reject };
      // `;` on its own line: a trailing `-- comment` in `sql` cannot swallow it.
      this.tool.child.stdin?.write(`${sql}\n;\n\\echo ${marker}\n`);
    });
  }

  /** Ends the session (and so its transaction) and waits for psql to exit; closing twice is fine. */
  async close(): Promise<void> {
    if (this.tool.child.stdin?.writable) this.tool.child.stdin.end("\\q\n");
    await this.tool.exited.catch(() => {});
  }

  private deliver(): void {
    if (!this.waiting) return;
    const at = this.output.indexOf(`${this.waiting.marker}\n`);
    if (at < 0) return;
    const { resolve, marker } = this.waiting;
    const text = this.output.slice(0, at);
    this.output = this.output.slice(at + marker.length + 1);
    this.waiting = undefined;
    resolve(text);
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}
