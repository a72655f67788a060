import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedSwarm } from "../../../test/docker/swarm.js";
import { loadManifest } from "../../manifest/load.js";
import type { AppSpec } from "../../manifest/model.js";
import { slipwayPaths } from "../../state/paths.js";
import { describeOrchestratorConformance } from "../conformance/orchestrator-suite.js";
import { connectEngine } from "../docker/engine.js";
import { SwarmOrchestrator } from "./swarm-orchestrator.js";

const swarm = await sharedSwarm();
if (swarm.available) process.env.DOCKER_HOST = swarm.host;
const dir = mkdtempSync(join(tmpdir(), "slipway-swarm-"));
const paths = slipwayPaths(join(dir, "home"));
const project = `swarmtest${process.pid}`;

/** A tiny HTTP server on $PORT answering its version, in the local Node image. */
function app(version: string, healthcheck?: unknown): AppSpec {
  const file = join(dir, "compose.json");
  const server = `require("http").createServer((q,s)=>s.end(process.env.APP_VERSION)).listen(+process.env.PORT,"127.0.0.1");console.log("listening",process.env.PORT)`;
  writeFileSync(
    file,
    JSON.stringify({
      name: project,
      services: {
        web: {
          image: "slipway-local/node:20",
          command: ["node", "-e", server],
          environment: { APP_VERSION: version },
          deploy: { replicas: 2, update_config: { order: "start-first", monitor: "2s" } },
          ...(healthcheck ? { healthcheck } : {}),
        },
      },
      "x-slipway": { target: "swarm" },
    }),
  );
  const { spec, problems } = loadManifest({ files: [file], env: {} });
  if (!spec) throw new Error(problems.map((p) => p.message).join("\n"));
  return spec;
}

const orchestrator = new SwarmOrchestrator(paths, connectEngine());

describe.skipIf(!swarm.available)("the swarm orchestrator on a single-node swarm", () => {
  afterAll(async () => {
    await orchestrator.remove(project, { purge: true });
    rmSync(dir, { recursive: true, force: true });
  });

  describeOrchestratorConformance("swarm", () => ({
    orchestrator,
    project,
    app,
    // The image's dash: a cheap probe on a busy machine.
    failingHealthcheck: {
      test: "echo probe says: no database; exit 1",
      interval: "1s",
      timeout: "10s",
      retries: 1,
    },
    exitWith: (text, code) => ["node", "-e", `console.error(${JSON.stringify(text)});process.exit(${code})`],
  }));

  it("removes its job services after they ran", async () => {
    const left = await connectEngine().listServices({
      filters: { label: [`dev.slipway.kind=job`, `com.docker.compose.project=${project}`] },
    });
    expect(left).toEqual([]);
  });
});
