import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, getJson, logIn } from "./api.js";
import { AlertsPage } from "./pages/alerts.js";
import { BackupsPage } from "./pages/backups.js";
import { OverviewPage } from "./pages/overview.js";
import { ReleasesPage } from "./pages/releases.js";
import { ServicePage } from "./pages/service.js";

/** `#/`, `#/alerts`, `#/p/PROJECT/releases`, `#/p/PROJECT/backups`, `#/p/PROJECT/s/SERVICE`. */
function page(hash: string) {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "alerts") return <AlertsPage />;
  if (parts[0] === "p" && parts[1]) {
    if (parts[2] === "releases") return <ReleasesPage project={parts[1]} />;
    if (parts[2] === "backups") return <BackupsPage project={parts[1]} />;
    if (parts[2] === "s" && parts[3]) return <ServicePage project={parts[1]} service={parts[3]} />;
  }
  return <OverviewPage />;
}

type Session = "checking" | "in" | "out";

function App() {
  const [hash, setHash] = useState(location.hash);
  const [session, setSession] = useState<Session>("checking");
  const [loginError, setLoginError] = useState<string | undefined>(undefined);
  useEffect(() => {
    // A login link opened in a tab that shows the dashboard already changes only the fragment: start over with it.
    const onHash = () => (/^#login=/.test(location.hash) ? location.reload() : setHash(location.hash));
    addEventListener("hashchange", onHash);
    const token = /^#login=([\w-]+)$/.exec(location.hash)?.[1];
    // The token leaves the address bar (and the history) before anything else happens.
    if (token) history.replaceState(null, "", "#/");
    setHash(location.hash);
    (token ? logIn(token) : Promise.resolve())
      .then(() => getJson("/v1/status"))
      .then(
        () => setSession("in"),
        (e: Error) => {
          setSession("out");
          if (e instanceof ApiError && e.code !== "E_DASHBOARD_SESSION") setLoginError(e.message);
        },
      );
    return () => removeEventListener("hashchange", onHash);
  }, []);
  if (session === "checking") return <p class="muted">Loading…</p>;
  if (session === "out")
    return (
      <main class="login">
        <h1>slipway</h1>
        {loginError && <p class="error">{loginError}</p>}
        <p>
          Run <code>slipway dashboard</code> on the server and open the link it prints.
        </p>
      </main>
    );
  return (
    <div>
      <nav>
        <a class="brand" href="#/">
          slipway
        </a>
        <a href="#/">overview</a>
        <a href="#/alerts">alerts</a>
        <button
          type="button"
          class="link"
          onClick={() =>
            void fetch("/api/logout", { method: "POST", headers: { "x-slipway-dashboard": "1" } }).then(() =>
              setSession("out"),
            )
          }
        >
          log out
        </button>
      </nav>
      <main>{page(hash)}</main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
