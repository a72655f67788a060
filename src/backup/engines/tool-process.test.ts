import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { feedTool, runTool, startTool, toolChunks } from "./tool-process.js";

/** Sends `first`, then fails instead of ending: a download or decoder that broke midway. */
function failingInput(first: Buffer, error = new Error("the input broke")): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) setTimeout(() => this.destroy(error), 30);
      else {
        sent = true;
        this.push(first);
      }
    },
  });
}

describe("running backup tools", () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-tool-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("returns stdout, and turns a failure into E_BACKUP_TOOL with the exit code and stderr", async () => {
    expect(await runTool("/bin/sh", ["-c", "cat; echo out"], { input: "in:" })).toBe("in:out\n");
    await expect(
      runTool("/bin/sh", ["-c", "echo 'pg_dump: error: no such database' >&2; exit 1"]),
    ).rejects.toMatchObject({
      code: "E_BACKUP_TOOL",
      message: "sh exited with code 1: pg_dump: error: no such database",
    });
    await expect(runTool("/no/such/program", [])).rejects.toMatchObject({ code: "E_BACKUP_TOOL" });
  });

  it("makes the output of a tool that fails fail too, instead of ending as if complete", async () => {
    const ok = startTool("/bin/sh", ["-c", "printf 'whole dump'"]);
    ok.child.stdin?.end();
    expect((await buffer(Readable.from(toolChunks(ok)))).toString()).toBe("whole dump");
    const cut = startTool("/bin/sh", ["-c", "printf 'half a dump'; exit 2"]);
    cut.child.stdin?.end();
    await expect(buffer(Readable.from(toolChunks(cut)))).rejects.toMatchObject({ code: "E_BACKUP_TOOL" });
  });

  it("kills a tool whose input fails before it can see the end of its input", async () => {
    const marker = join(dir, "committed");
    const tool = startTool("/bin/sh", ["-c", `cat > /dev/null && touch ${marker}`]);
    await expect(feedTool(tool, failingInput(Buffer.alloc(100_000, 1)))).rejects.toThrow("the input broke");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(marker)).toBe(false);
  });

  it("still reads input the tool left unread, so damage at its very end is not missed", async () => {
    const tool = startTool("/bin/sh", ["-c", "head -c 10 > /dev/null"]);
    await expect(
      feedTool(tool, failingInput(Buffer.alloc(10, 1), new Error("bad gzip trailer"))),
    ).rejects.toThrow("bad gzip trailer");
    const whole = startTool("/bin/sh", ["-c", `cat > ${join(dir, "copy")}`]);
    await feedTool(whole, Readable.from([Buffer.from("all "), Buffer.from("of it")]));
    expect(readFileSync(join(dir, "copy"), "utf8")).toBe("all of it");
  });
});
