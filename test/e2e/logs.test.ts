import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, PATIENT, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KB = 1024;

/** Ten numbered lines of about 110 bytes every 70 ms: roughly 16 KB/s, without end. */
const chatter = `
let i = 0;
const pad = "0".repeat(100);
setInterval(() => {
  for (let j = 0; j < 10; j++) console.log(\`line \${++i} \${pad}\`);
}, 70);
`;

const numbers = (stdout: string) =>
  stdout
    .split("\n")
    .map((line) => /^chatter-\d+ +\| line (\d+) /.exec(line)?.[1])
    .filter((n) => n !== undefined)
    .map(Number);

describe("instance logs", PATIENT, () => {
  it("stay under x-slipway.logs while the service writes, and `slipway logs` reads across rotations", async () => {
    const s = sandbox({
      "compose.yaml": `name: \${E2E_PROJECT}
x-slipway:
  logs: { max_size: 32k, max_files: 3 }
services:
  chatter:
    build: ./app
    command: ["node", "chatter.mjs"]
`,
      "app/chatter.mjs": chatter,
    });
    const deploy = await s.cli(["deploy"]);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const logs = join(s.home, "logs", s.project);
    const logDir = join(logs, await eventually("the instance's log directory", () => readdirSync(logs)[0]));

    // Follow from now on while the files rotate; `logs -f` never ends by itself, so it is SIGKILLed.
    const following = s.cli(["logs", "chatter", "-f", "-n", "0"], {}, 9000);
    const largest = new Map<string, number>();
    for (const deadline = Date.now() + 9000; Date.now() < deadline; await sleep(100)) {
      for (const name of readdirSync(logDir).filter((file) => file.startsWith("stdout.log")))
        largest.set(
          name,
          Math.max(
            largest.get(name) ?? 0,
            statSync(join(logDir, name), { throwIfNoEntry: false })?.size ?? 0,
          ),
        );
    }
    // Checked once a second: a file may pass max_size by one second of output (~16 KB).
    expect([...largest.keys()].filter((name) => /^stdout\.log(\.\d+)?$/.test(name)).sort()).toEqual([
      "stdout.log",
      "stdout.log.1",
      "stdout.log.2",
    ]);
    for (const [name, size] of largest) expect(size, name).toBeLessThanOrEqual(32 * KB + 24 * KB);

    const all = numbers((await s.cli(["logs", "chatter", "--tail", "all"])).stdout);
    expect(all[0]).toBeGreaterThan(1); // the oldest output is gone…
    expect(all.at(-1)! * 110).toBeGreaterThan(3 * 32 * KB); // …because more was written than is kept
    expect(all).toEqual([...new Set(all)].sort((a, b) => a - b));
    expect(all.length).toBeGreaterThan((all.at(-1)! - all[0]!) * 0.98);

    const followed = numbers((await following).stdout);
    expect(followed.length * 110).toBeGreaterThan(32 * KB); // it went through at least one rotation
    expect(followed).toEqual([...new Set(followed)].sort((a, b) => a - b));
    expect(followed.length).toBeGreaterThan((followed.at(-1)! - followed[0]!) * 0.98);
  });
});
