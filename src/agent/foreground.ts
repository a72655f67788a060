import { SlipwayError } from "../errors.js";
import { slipwayPaths } from "../state/paths.js";
import { Agent } from "./agent.js";
import { AgentClient } from "./client.js";
import { serveAgent } from "./server.js";
import { socketAccessFromEnv } from "./socket-access.js";

/**
 * `slipway agent`: the control plane in the foreground until SIGTERM/SIGINT or `agent stop`.
 * bin/slipway loads this module directly (not the whole CLI) to keep the daemon small.
 */
export async function runAgentForeground(
  log: (line: string) => void = (line) => process.stderr.write(line),
): Promise<void> {
  // Whatever umask the agent was started with, nothing it or its services create is world-writable.
  process.umask(process.umask() | 0o022);
  const paths = slipwayPaths();
  if (await new AgentClient(paths).isUp()) {
    throw new SlipwayError({
      code: "E_AGENT_RUNNING",
      message: `an agent already serves ${paths.socket}`,
      hint: "stop it with `slipway agent stop`",
    });
  }
  // Who may call it, decided before anything starts: no peer check, no agent.
  const access = socketAccessFromEnv();
  const agent = new Agent(paths);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close();
    void agent.stop().then(() => process.exit(0));
  };
  await agent.start();
  const server = await serveAgent(agent, paths.socket, access, shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  log(`slipway agent ${process.pid} serving ${paths.socket}\n`);
  // Start-up leaves garbage (state checks, first reads) that V8's memory reducer frees only some
  // seconds later; an agent started with --expose-gc (as the CLI starts it) collects it at once.
  setTimeout(() => (globalThis as { gc?: () => void }).gc?.(), 500).unref();
  setInterval(() => {}, 1 << 30);
}
