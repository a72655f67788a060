import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrowser } from "./browser.js";
import { describePublishedDashboard } from "./dashboard-published.js";
import { answer } from "./http.js";
import { LOOPBACK, liveApp } from "./router-support.js";
import { eventually, freePort, PATIENT, type Sandbox, sandboxPerTest, webCompose } from "./sandbox.js";

const sandbox = sandboxPerTest();

/** `web` on a published port; with `ready`, the new release listens only once that file exists. */
const compose = (port: number, version: string, ready?: string) =>
  webCompose(port, { APP_VERSION: version, ...(ready ? { READY_FILE: ready } : {}) });

/** `slipway dashboard --json` on a free loopback port: the base URL and the one-time login link. */
async function dashboardLink(s: Sandbox, port: number): Promise<{ url: string; loginUrl: string }> {
  const result = await s.cli(["dashboard", "--listen", `127.0.0.1:${port}`, "--json"]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { url: string; loginUrl: string };
}

/** Every regular file under `dir` (the agent's home: state, logs, the access file). */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stats = statSync(path);
    return stats.isDirectory() ? filesUnder(path) : stats.isFile() ? [path] : [];
  });

describe("the web dashboard in Debian's Chromium", PATIENT, () => {
  let s: Sandbox;
  let appPort = 0;
  let page: Page;
  let browser: Awaited<ReturnType<typeof useBrowser>>;
  /** Screenshots go to the test's temporary directory (and to DASHBOARD_SCREENSHOTS, to keep, when set). */
  const shot = async (name: string) => {
    const png = await page.screenshot({ path: join(s.root, "screenshots", `${name}.png`), fullPage: true });
    const keep = process.env.DASHBOARD_SCREENSHOTS;
    if (keep) writeFileSync(join(keep, `${name}.png`), png);
  };

  beforeAll(async () => {
    appPort = await freePort();
    s = sandbox({ "compose.yaml": compose(appPort, "v1") });
    const first = await s.cli(["deploy"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    browser = await useBrowser();
    page = await browser.context.newPage();
  }, 180_000);
  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.release();
  });

  it("logs in once with the link `slipway dashboard` prints, and keeps only a hash of it", async () => {
    const { url, loginUrl } = await dashboardLink(s, await freePort());
    const token = new URL(loginUrl).hash.replace("#login=", "");
    expect(token.length).toBeGreaterThan(30);
    // Without a session the API answers nothing.
    const anonymous = await fetch(`${url}api/overview`);
    expect(anonymous.status).toBe(401);

    await page.goto(loginUrl);
    await page.getByRole("link", { name: "web", exact: true }).waitFor();
    expect(page.url()).not.toContain(token);
    await expect.poll(() => page.locator("td .pill").first().textContent()).toBe("healthy");
    await shot("overview");

    // The link worked once: a second browser profile cannot use it again.
    const again = await fetch(`${url}api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("E_DASHBOARD_LOGIN");

    const access = join(s.home, "dashboard.json");
    expect(statSync(access).mode & 0o777).toBe(0o600);
    for (const file of filesUnder(s.home)) expect(readFileSync(file).includes(token), file).toBe(false);
  });

  it("shows a deploy's progress live, then rolls back from the page and sees it complete", async () => {
    const ready = join(s.root, "ready");
    s.write({ "compose.yaml": compose(appPort, "v2", ready) });
    await page.goto(`${new URL(page.url()).origin}/#/p/${s.project}/releases`);
    await page.getByText("live", { exact: true }).waitFor();
    const deploy = s.start(["deploy", "--json"]);
    // While the new release waits to listen, the page already shows the deploy and web's phase.
    await deploy.waitForEvent((e) => e.type === "service" && e.phase === "health");
    const live = page.getByTestId("live-deploy");
    await live.getByText("health", { exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("live-status").textContent()).toBe("running");
    await shot("deploy-running");
    writeFileSync(ready, "");
    expect((await deploy.done).code).toBe(0);
    await expect
      .poll(() => page.getByTestId("live-status").textContent(), { timeout: 30_000 })
      .toBe("succeeded");
    await expect.poll(() => page.getByTestId("active-release").textContent(), { timeout: 15_000 }).toBe("r2");
    expect((await answer(appPort)).version).toBe("v2");

    // Roll back: a confirmation first; nothing happens on Cancel.
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect((await s.releases()).deploys.filter((d) => d.kind === "rollback")).toEqual([]);
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await shot("rollback-confirm");
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect
      .poll(() => page.getByTestId("live-status").textContent(), { timeout: 60_000 })
      .toBe("succeeded");
    await expect.poll(() => page.getByTestId("active-release").textContent(), { timeout: 15_000 }).toBe("r1");
    await page.getByText("Roll back: done").waitFor();
    expect((await answer(appPort)).version).toBe("v1");
    await shot("rolled-back");

    // The action is in the audit log, by the dashboard.
    const audit = await s.cli(["audit", "--json"]);
    const entries = JSON.parse(audit.stdout) as { entries?: unknown[] } | unknown[];
    const list = (Array.isArray(entries) ? entries : (entries.entries ?? [])) as {
      actor: string;
      action: string;
      outcome: string;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({ actor: "dashboard", action: "rollback", outcome: "succeeded" }),
    );
  });

  it("reads at phone width: no sideways scrolling, and the service page shows its instances and logs", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const origin = new URL(page.url()).origin;
    for (const path of ["/#/", `/#/p/${s.project}/releases`, `/#/p/${s.project}/s/web`, "/#/alerts"]) {
      await page.goto(`${origin}${path}`);
      await page.locator("main .card").first().waitFor();
      await eventually("the page to settle", async () => (await page.locator("main .card").count()) > 0);
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${origin}/#/p/${s.project}/s/web`);
    await page.locator("pre.logs").getByText("web-1").first().waitFor({ timeout: 15_000 });
    await shot("phone-service");
  });

  it("shows why a deploy failed with the process's output, then a canary's traffic split, promoted from the page", async () => {
    const http = await freePort();
    // Alerts go to a channel nobody listens on: its failed deliveries must show on the alerts page.
    const dead = await freePort();
    const alerts = `x-slipway:
  alerts:
    interval: 300ms
    retry_backoff: 100ms
    channels: { nowhere: { type: webhook, url: "http://127.0.0.1:${dead}/hook" } }
`;
    const c = sandbox({
      "compose.yaml": liveApp({
        http,
        https: await freePort(),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation, read by slipway
        environment: "      EXIT_AT_START: ${EXIT_AT_START:-}\n",
        service: `      strategy: canary
      canary:
        steps: [{ weight: 25, pause: 1s }]
        analysis: { min_requests: 1000000, on_inconclusive: pause }
      routes: [{ path: / }]
`,
      }).replace("x-slipway:\n", alerts),
    });
    c.copyApp("live", "live");
    const first = await c.cli(["deploy"], LOOPBACK);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const { loginUrl } = await dashboardLink(c, await freePort());
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.goto(loginUrl);
    await page.getByRole("link", { name: "web", exact: true }).waitFor();
    await page.goto(`${new URL(loginUrl).origin}/#/p/${c.project}/releases`);
    await page.getByText("live", { exact: true }).waitFor();

    // A release that cannot start: the page says why, with what the process printed.
    const broken = await c.cli(["deploy"], {
      ...LOOPBACK,
      APP_VERSION: "v2",
      EXIT_AT_START: "broken on purpose",
    });
    expect(broken.code).toBe(1);
    await page.getByTestId("failure").getByText("broken on purpose").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("live-status").textContent()).toBe("rolled-back");
    await shot("deploy-failed");

    // The failed deploy fires deploy_failed; the channel that cannot be reached is shown FAILING.
    await page.goto(`${new URL(loginUrl).origin}/#/alerts`);
    // (In the list of firing alerts, not only among the rules listed below it.)
    await page.locator("ul.events li strong", { hasText: "deploy_failed" }).waitFor({ timeout: 30_000 });
    await page.getByText(/nowhere \(webhook\): FAILING/).waitFor({ timeout: 30_000 });
    await shot("alerts-failing-channel");
    await page.goto(`${new URL(loginUrl).origin}/#/p/${c.project}/releases`);
    await page.getByText("live", { exact: true }).waitFor();

    // A canary with no traffic to judge pauses at 25%: the split shows, and Promote finishes it.
    const canary = c.start(["deploy", "--json"], { ...LOOPBACK, APP_VERSION: "v3" });
    await canary.waitForEvent((e) => e.type === "service" && e.phase === "paused", 90_000);
    const split = page.getByTestId("traffic-split");
    await split.getByText("25%").waitFor({ timeout: 30_000 });
    expect(await split.textContent()).toMatch(/r3 25%.*r1 75%/);
    await shot("canary-paused");
    await page.getByRole("button", { name: "Promote" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    const done = await canary.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    await expect
      .poll(() => page.getByTestId("live-status").textContent(), { timeout: 30_000 })
      .toBe("succeeded");
    await expect.poll(() => page.getByTestId("active-release").textContent(), { timeout: 15_000 }).toBe("r3");
    await shot("canary-promoted");
    const audit = JSON.parse((await c.cli(["audit", "--json"])).stdout) as {
      entries: { actor: string; action: string; outcome: string }[];
    };
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: "dashboard", action: "promote" }));
  });
});

// In this file, so that one Chromium serves the whole run (browser.ts).
describePublishedDashboard();
