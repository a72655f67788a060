import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { FakeAcmeServer } from "../../src/router/tls/fake-acme-server.js";
import { useBrowser } from "./browser.js";
import { call } from "./published-http.js";
import { LOOPBACK, liveApp, stopNginxOf } from "./router-support.js";
import { eventually, freePort, PATIENT, type Sandbox, sandboxPerTest } from "./sandbox.js";

/** The dashboard's public host: `.test` never resolves publicly; Chromium maps it to 127.0.0.1 (browser.ts). */
const HOST = "ops.test";

interface Links {
  readonly url: string;
  readonly loginUrl: string;
  readonly public?: { readonly url: string; readonly loginUrl: string; readonly project: string };
}

interface Ports {
  readonly http: number;
  readonly https: number;
}

const errorCode = (body: string) => (JSON.parse(body) as { error?: { code?: string } }).error?.code;

/**
 * The dashboard published through the router: a project routes its app on any host and publishes
 * the dashboard on ops.test; everything is then reached through the router's ports, as from outside.
 * Registered from dashboard.test.ts, so the run keeps to one Chromium at a time (browser.ts).
 */
export function describePublishedDashboard(): void {
  describe("the dashboard published through the router (HTTPS and the login)", PATIENT, () => {
    const nginxSandboxes: Sandbox[] = [];
    // Registered before sandboxPerTest's cleanup, so it runs after it (after-hooks run in reverse).
    afterAll(() => stopNginxOf(nginxSandboxes), 30_000);
    const sandbox = sandboxPerTest();

    /** Deploys the publishing project; `tls` is the dashboard's, `top` more top-level x-slipway keys. */
    async function deployPublished(driver: "builtin" | "nginx", ports: Ports, tls: string, top = "") {
      const listen = await freePort();
      const dashboard = `  observe: { dashboard: { listen: "127.0.0.1:${listen}", host: ${HOST}, tls: ${tls} } }\n`;
      const s = sandbox({
        "compose.yaml": liveApp({ ...ports, router: `driver: ${driver}` }).replace(
          "x-slipway:\n",
          `x-slipway:\n${dashboard}${top}`,
        ),
      });
      if (driver === "nginx") nginxSandboxes.push(s);
      s.copyApp("live", "live");
      const deploy = await s.cli(["deploy"], LOOPBACK);
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
      const links = await s.cli(["dashboard", "--json"], LOOPBACK);
      expect(links.code, links.stdout + links.stderr).toBe(0);
      const parsed = JSON.parse(links.stdout) as Links;
      expect(parsed.url).toBe(`http://127.0.0.1:${listen}/`);
      expect(parsed.public).toEqual({
        url: `https://${HOST}:${ports.https}/`,
        loginUrl: expect.stringMatching(new RegExp(`^https://${HOST}:${ports.https}/#login=[\\w-]{40,}$`)),
        project: s.project,
      });
      return { s, links: parsed };
    }

    /** Plain HTTP on the router for the dashboard's host: a redirect to HTTPS, never a page or data. */
    async function expectOnlyRedirects({ http, https }: Ports, status: number) {
      for (const path of ["/", "/api/overview", "/app.js"]) {
        const plain = await call(HOST, http, { path });
        expect(plain.status, path).toBe(status);
        expect(plain.headers.location).toBe(`https://${HOST}:${https}${path}`);
        expect(plain.body, path).not.toMatch(/app\.js|slipway|overview/i);
      }
    }

    /** Without a session, the API over HTTPS answers 401 and nothing about the projects. */
    async function expectNoDataWithoutSession(s: Sandbox, https: number) {
      for (const path of [
        "/api/overview",
        `/api/v1/ps?project=${s.project}`,
        `/api/feed?project=${s.project}`,
      ]) {
        const anonymous = await call(HOST, https, { https: true, path });
        expect(anonymous.status, path).toBe(401);
        expect(errorCode(anonymous.body)).toBe("E_DASHBOARD_SESSION");
        expect(anonymous.body).not.toContain(s.project);
      }
    }

    it("builtin: an ACME certificate, Chromium logs in with the printed https link, plain HTTP only redirects", async () => {
      const ports = { http: await freePort(), https: await freePort() };
      // The FAKE ACME CA fetches each HTTP-01 challenge from the router's plain HTTP port.
      const acme = await FakeAcmeServer.start({ httpTarget: `127.0.0.1:${ports.http}` });
      onTestFinished(() => acme.close());
      const { s, links } = await deployPublished(
        "builtin",
        ports,
        "acme",
        `  tls: { acme_directory: "${acme.directoryUrl}", email: "ops@example.com" }\n`,
      );
      // The router shows the host a certificate from the CA: a client that trusts only that CA accepts it.
      const trusted = await eventually(
        "the ACME certificate for the dashboard's host",
        () => call(HOST, ports.https, { https: true, ca: acme.ca.certificate }).catch(() => undefined),
        90_000,
        500,
      );
      expect(trusted.certificate).toEqual({ names: `DNS:${HOST}`, issuer: acme.caName });
      expect(trusted.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
      await expectOnlyRedirects(ports, 301);
      await expectNoDataWithoutSession(s, ports.https);

      // The human output leads with the published URL.
      const human = await s.cli(["dashboard"], LOOPBACK);
      expect(human.stdout.split("\n")[0]).toBe(
        `dashboard: https://${HOST}:${ports.https}/ (published by ${s.project} through the router, HTTPS only)`,
      );

      const browser = await useBrowser();
      onTestFinished(() => browser.release());
      const page = await browser.context.newPage();
      onTestFinished(() => page.close().catch(() => undefined));
      // Chromium does not know the test CA: this page alone ignores certificate errors.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send("Security.setIgnoreCertificateErrors", { ignore: true });
      // Typing the plain http:// address lands on HTTPS (before any HTTPS answer could teach it HSTS).
      await page.goto(`http://${HOST}:${ports.http}/`);
      await page.locator("main.login").waitFor();
      expect(page.url()).toBe(`https://${HOST}:${ports.https}/`);
      await page.goto(links.public!.loginUrl);
      await page.getByRole("link", { name: "web", exact: true }).waitFor();
      await expect.poll(() => page.locator("td .pill").first().textContent()).toBe("healthy");
      expect(page.url()).toBe(`https://${HOST}:${ports.https}/#/`);
      const png = await page.screenshot({ path: join(s.root, "screenshots", "published-overview.png") });
      if (process.env.DASHBOARD_SCREENSHOTS)
        writeFileSync(join(process.env.DASHBOARD_SCREENSHOTS, "published-overview.png"), png);
      const cookies = await browser.context.cookies(links.public!.url);
      const session = cookies.find((c) => c.name === "__Host-slipway_session");
      expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Strict", domain: HOST });
      // The link worked once: the loopback origin cannot use it again.
      const token = new URL(links.loginUrl).hash.replace("#login=", "");
      const again = await fetch(`${links.url}api/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-slipway-dashboard": "1" },
        body: JSON.stringify({ token }),
      });
      expect(again.status).toBe(401);

      // An action needs the published origin; from there, maintenance mode leaves the dashboard reachable.
      const act = (origin: string, on: boolean) =>
        call(HOST, ports.https, {
          https: true,
          method: "POST",
          path: "/api/v1/maintenance",
          headers: {
            origin,
            cookie: `${session!.name}=${session!.value}`,
            "content-type": "application/json",
            "x-slipway-dashboard": "1",
            "x-slipway-confirmed": "yes",
          },
          body: JSON.stringify({ on }),
        });
      const forged = await act("https://evil.test", true);
      expect(forged.status).toBe(403);
      expect(errorCode(forged.body)).toBe("E_DASHBOARD_ORIGIN");
      expect((await act(`https://${HOST}:${ports.https}`, true)).status).toBe(200);
      expect((await call("127.0.0.1", ports.http)).status).toBe(503);
      await page.reload();
      await page.getByRole("link", { name: "web", exact: true }).waitFor();
      expect((await act(`https://${HOST}:${ports.https}`, false)).status).toBe(200);
      expect((await call("127.0.0.1", ports.http)).status).toBe(200);

      // A second project of the same agent cannot publish it too; nothing of it is deployed.
      s.write({
        "claim.yaml": `name: ${s.project}b\nx-slipway:\n  observe: { dashboard: { host: admin.test } }\nservices:\n  db: { image: redis:7 }\n`,
      });
      const claim = await s.cli(["deploy", "-f", "claim.yaml"], LOOPBACK);
      expect(claim.code).not.toBe(0);
      expect(claim.stdout + claim.stderr).toContain("E_DASHBOARD_CLAIMED");
      const other = await s.cli(["releases", "-p", `${s.project}b`, "--json"], LOOPBACK);
      expect(other.stdout).not.toContain('"id"');
    });

    it("nginx: a self-signed certificate, the same login over HTTPS, the live feed streams, plain HTTP only redirects", async () => {
      const ports = { http: await freePort(), https: await freePort() };
      const { s, links } = await deployPublished("nginx", ports, "self-signed");
      const page = await call(HOST, ports.https, { https: true });
      expect(page.status).toBe(200);
      expect(page.certificate?.names).toBe(`DNS:${HOST}`);
      expect(page.body).toContain("<html");
      await expectOnlyRedirects(ports, 308);
      await expectNoDataWithoutSession(s, ports.https);

      const origin = `https://${HOST}:${ports.https}`;
      const token = new URL(links.public!.loginUrl).hash.replace("#login=", "");
      const login = (from: string) =>
        call(HOST, ports.https, {
          https: true,
          method: "POST",
          path: "/api/login",
          headers: { origin: from, "content-type": "application/json", "x-slipway-dashboard": "1" },
          body: JSON.stringify({ token }),
        });
      // A page elsewhere cannot trade the token (and does not use it up).
      const elsewhere = await login("https://evil.test");
      expect(errorCode(elsewhere.body)).toBe("E_DASHBOARD_ORIGIN");
      const loggedIn = await login(origin);
      expect(loggedIn.status).toBe(204);
      const setCookie = String(loggedIn.headers["set-cookie"]);
      expect(setCookie).toMatch(
        /^__Host-slipway_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Secure;/,
      );
      const cookie = setCookie.split(";")[0]!;
      const overview = await call(HOST, ports.https, {
        https: true,
        path: "/api/overview",
        headers: { cookie },
      });
      expect(overview.status).toBe(200);
      expect(overview.body).toContain(s.project);
      // Server-sent events pass nginx at once (the dashboard asks it not to buffer them).
      const feed = await call(HOST, ports.https, {
        https: true,
        path: `/api/feed?project=${s.project}`,
        headers: { cookie },
        until: ": live",
      });
      expect(feed.status).toBe(200);
      expect(feed.body).toContain(": live");

      // The agent restarts: its router listener gets another port, and the route follows it.
      expect((await s.cli(["agent", "stop"], LOOPBACK)).code).toBe(0);
      expect((await s.cli(["ps", "--json"], LOOPBACK)).code).toBe(0);
      await eventually("the published dashboard after the agent's restart", async () => {
        const again = await call(HOST, ports.https, {
          https: true,
          path: "/api/overview",
          headers: { cookie },
        });
        return again.status === 200 && again.body.includes(s.project);
      });
    });
  });
}
