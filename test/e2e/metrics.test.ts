import { describe, expect, it } from "vitest";
import { PrometheusServer } from "./prometheus.js";
import { eventually, finished, freePort, PATIENT, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** `web` (version from env), maybe a `flaky` service that crashes 2.5 s after each start, and metrics on `metricsPort`. */
function compose(port: number, metricsPort: number, environment: Record<string, string>, flaky = false) {
  const flakyService = flaky
    ? `  flaky:
    build: ./app
    command: ["node", "server.mjs"]
    restart: "on-failure:2"
    environment: { CRASH_AFTER_MS: "2500" }
`
    : "";
  return webCompose(
    port,
    environment,
    `${flakyService}x-slipway:\n  observe:\n    metrics: "127.0.0.1:${metricsPort}"\n`,
  );
}

describe("the agent's metrics, scraped by Prometheus", PATIENT, () => {
  it("count a failed deploy, successful ones and restarts as they happened", async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const s = sandbox({ "compose.yaml": compose(port, metricsPort, { APP_VERSION: "v1" }) });
    expect((await s.cli(["deploy"])).code).toBe(0);
    // A release that exits at start: rolled back, the old one keeps serving.
    s.write({ "compose.yaml": compose(port, metricsPort, { APP_VERSION: "v2", EXIT_AT_START: "boom" }) });
    const failed = await s.cli(["deploy", "--json"]);
    expect(finished(failed.stdout).status).toBe("rolled-back");
    // A service that crashes; its policy restarts it twice, then leaves it exited.
    s.write({ "compose.yaml": compose(port, metricsPort, { APP_VERSION: "v1" }, true) });
    const third = await s.cli(["deploy"]);
    expect(third.code, third.stderr).toBe(0);
    await eventually(
      "flaky to be restarted twice and stay down",
      async () => {
        const flaky = (await s.ps()).instances.find((i) => i.service === "flaky");
        return flaky?.state === "exited" && flaky.restarts === 2;
      },
      60_000,
      500,
    );

    const prometheus = await PrometheusServer.start([`127.0.0.1:${metricsPort}`]);
    try {
      const p = `project="${s.project}"`;
      await eventually(
        `a scrape of 127.0.0.1:${metricsPort}`,
        async () => (await prometheus.value('up{job="slipway"}').catch(() => undefined)) === 1,
        30_000,
        250,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${prometheus.log}`);
      });
      await eventually(
        "the figures",
        async () => (await prometheus.value(`slipway_instance_restarts{${p},service="flaky"}`)) === 2,
        10_000,
      );
      expect(await prometheus.value(`slipway_deploys_total{${p},kind="deploy",outcome="rolled-back"}`)).toBe(
        1,
      );
      expect(await prometheus.value(`slipway_deploys_total{${p},kind="deploy",outcome="succeeded"}`)).toBe(2);
      expect(await prometheus.value(`sum(slipway_deploy_duration_seconds_count{${p}})`)).toBe(3);
      expect(await prometheus.value(`slipway_instance_exits_total{${p},service="flaky"}`)).toBe(3);
      expect(await prometheus.value(`slipway_instances{${p},service="web",state="healthy"}`)).toBe(1);
      expect(await prometheus.value(`slipway_instances{${p},service="flaky",state="exited"}`)).toBe(1);
      expect(await prometheus.value(`slipway_crashloops_total{${p}}`)).toBeUndefined();
    } finally {
      await prometheus.stop();
    }
  });
});
