import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { AgentClient, startAgentDaemon } from "../../agent/client.js";
import { SlipwayError } from "../../errors.js";
import { type DataPlaneProcess, runningDataPlanes } from "../../router/control/data-planes.js";
import { slipwayPaths } from "../../state/paths.js";
import type { Output } from "../report.js";

const describeDataPlane = (plane: DataPlaneProcess) =>
  `${plane.name} ${plane.pid} running; listening on ${plane.listening.join(", ") || "nothing"}\n`;

export function registerAgent(program: Command, output: Output): void {
  const agent = program
    .command("agent")
    .description("run the control plane in the foreground; `agent start|stop|status` runs it as a daemon")
    .argument("[action]", "start | stop | status")
    .option("--json", "print status as JSON")
    .action(async (action: string | undefined, flags: { json?: boolean }) => {
      const paths = slipwayPaths();
      const client = new AgentClient(paths);
      if (action === undefined)
        return (await import("../../agent/foreground.js")).runAgentForeground(output.stderr);
      if (action === "start") {
        await startAgentDaemon(paths);
        output.stdout(`agent running (${paths.socket})\n`);
      } else if (action === "stop") {
        if (!(await client.isUp())) return void output.stdout("agent is not running\n");
        const pid = existsSync(paths.pidFile) ? Number(readFileSync(paths.pidFile, "utf8")) : undefined;
        await client.call("POST", "/v1/shutdown");
        for (let i = 0; i < 100 && pid && existsSync(`/proc/${pid}`); i++)
          await new Promise((r) => setTimeout(r, 100));
        output.stdout("agent stopped (services keep running)\n");
      } else if (action === "status") {
        const up = await client.isUp();
        const status = up
          ? await client.call<{ pid: number; projects: string[] }>("GET", "/v1/status")
          : undefined;
        // The proxy and router outlive the agent on purpose (traffic flows through its restarts).
        const dataPlanes = runningDataPlanes(paths);
        if (flags.json) output.stdout(`${JSON.stringify({ running: up, ...status, dataPlanes })}\n`);
        else
          output.stdout(
            (up
              ? `agent ${status!.pid} running; projects: ${status!.projects.join(", ") || "none"}\n`
              : "agent is not running\n") + dataPlanes.map(describeDataPlane).join(""),
          );
      } else {
        throw new SlipwayError({
          code: "E_CLI_USAGE",
          message: `unknown agent action "${action}"`,
          hint: "use start, stop or status",
        });
      }
    });
  void agent;
  program
    .command("proxy", { hidden: true })
    .description("internal: the service-to-service proxy process the agent starts")
    .action(async () =>
      (await import("../../router/l4/process.js")).runProxyProcess(slipwayPaths().proxyConfig),
    );
}
