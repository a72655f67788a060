import { describe, expect, it } from "vitest";
import { PATIENT, sandboxPerTest } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** Prints `NAME N` every 200 ms, starting `offsetMs` in; odd numbers also to stderr as `NAME warn N`. */
const talker = (name: string, offsetMs: number) => `
let i = 0;
setTimeout(() => setInterval(() => {
  i++;
  console.log("${name} " + i);
  if (i % 2 === 1) console.error("${name} warn " + i);
}, 200), ${offsetMs});
`;

interface JsonLine {
  readonly ts: string;
  readonly service: string;
  readonly instance: string;
  readonly stream: string;
  readonly line: string;
}

const parse = (stdout: string): JsonLine[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as JsonLine);

describe("slipway logs across services", PATIENT, () => {
  it("interleaves every service's instances by time, filters, prints JSON, and reads the files with the agent down", async () => {
    const s = sandbox({
      "compose.yaml": `name: \${E2E_PROJECT}
services:
  ping: { build: ./app, command: ["node", "ping.mjs"] }
  pong: { build: ./app, command: ["node", "pong.mjs"] }
`,
      "app/ping.mjs": talker("ping", 0),
      "app/pong.mjs": talker("pong", 100),
    });
    expect((await s.cli(["deploy"])).code).toBe(0);

    // Following: lines of both services arrive interleaved, each prefixed by its instance.
    const followed = (await s.cli(["logs", "-f", "-n", "0"], {}, 4000)).stdout.split("\n").filter(Boolean);
    const services = followed.map((l) => /^(ping|pong)-1 \| /.exec(l)?.[1]);
    expect(
      services.every((x) => x !== undefined),
      followed.join("\n"),
    ).toBe(true);
    const switches = services.filter((x, i) => i > 0 && x !== services[i - 1]).length;
    expect(switches).toBeGreaterThan(5);

    // History: every line of both services and streams, one time order, each service's lines in order.
    const all = parse((await s.cli(["logs", "--tail", "all", "--json"])).stdout);
    expect(new Set(all.map((l) => `${l.service} ${l.instance} ${l.stream}`))).toEqual(
      new Set(["ping ping-1 stdout", "ping ping-1 stderr", "pong pong-1 stdout", "pong pong-1 stderr"]),
    );
    const times = all.map((l) => Date.parse(l.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const name of ["ping", "pong"]) {
      const numbers = all
        .filter((l) => l.service === name && l.stream === "stdout")
        .map((l) => Number(l.line.split(" ")[1]));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }

    // --grep and --since/--until select lines; one service alone is still by instance.
    const warnings = parse(
      (await s.cli(["logs", "--tail", "all", "--json", "--grep", "warn [13579]$"])).stdout,
    );
    expect(warnings.length).toBeGreaterThan(2);
    expect(warnings.every((l) => l.stream === "stderr" && / warn \d+$/.test(l.line))).toBe(true);
    const middle = times[Math.floor(times.length / 2)]!;
    const since = parse(
      (await s.cli(["logs", "--tail", "all", "--json", "--since", new Date(middle).toISOString()])).stdout,
    );
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((l) => Date.parse(l.ts) >= middle)).toBe(true);
    const until = parse(
      (await s.cli(["logs", "--tail", "all", "--json", "--until", new Date(middle).toISOString()])).stdout,
    );
    expect(until.every((l) => Date.parse(l.ts) <= middle)).toBe(true);
    const pong = (await s.cli(["logs", "pong", "-n", "3"])).stdout.split("\n").filter(Boolean);
    expect(pong.every((l) => l.startsWith("pong-1 | pong "))).toBe(true);
    const bad = await s.cli(["logs", "--since", "yesterday-ish"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("E_CLI_USAGE");

    // With the agent stopped, logs are read from the files; nothing starts it again.
    expect((await s.cli(["agent", "stop"])).code).toBe(0);
    const offline = parse((await s.cli(["logs", "--tail", "all", "--json"])).stdout);
    expect(offline.length).toBeGreaterThanOrEqual(all.length);
    expect(s.agentPid()).toBeUndefined();
  });
});
