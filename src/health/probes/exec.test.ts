import { describe, expect, it } from "vitest";
import { runProbe } from "../run-probe.js";
import { execOnHost } from "../test-support.js";

const exec = execOnHost;

describe("exec probe", () => {
  it("passes when the command exits 0 and reports its output", async () => {
    const result = await runProbe(
      { kind: "exec", argv: ["/bin/sh", "-c", "echo ready"] },
      { exec, timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: true, output: "exit 0: ready" });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it("fails with the exit code and the end of the output", async () => {
    const script = "echo starting; echo 'no response' >&2; exit 2";
    const result = await runProbe(
      { kind: "exec", argv: ["/bin/sh", "-c", script] },
      { exec, timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: false, output: "exit 2: starting no response" });
  });

  it("keeps only the end of long output", async () => {
    const argv = [process.execPath, "-e", "console.log('x'.repeat(1000) + ' tail'); process.exit(1)"];
    const result = await runProbe({ kind: "exec", argv }, { exec, timeoutMs: 5000 });
    expect(result.output).toMatch(/^exit 1: …x+ tail$/);
    expect(result.output.length).toBeLessThan(220);
  });

  it("fails when the command outlives the timeout", async () => {
    const result = await runProbe({ kind: "exec", argv: ["sleep", "5"] }, { exec, timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, output: "timed out after 100ms" });
  });

  it("fails when the command does not exist", async () => {
    const result = await runProbe(
      { kind: "exec", argv: ["slipway-no-such-command"] },
      { exec, timeoutMs: 5000 },
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain("ENOENT");
  });

  it("fails, without running anything, on an empty command", async () => {
    const result = await runProbe({ kind: "exec", argv: [] }, { exec, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, output: "healthcheck command is empty" });
  });

  it("turns an exec that throws into a failed result", async () => {
    const throwingExec = () => Promise.reject(new Error("instance is not running"));
    const result = await runProbe({ kind: "exec", argv: ["true"] }, { exec: throwingExec, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, output: "instance is not running" });
  });
});
