import { getJson } from "../api.js";
import { Card, ErrorNote, time, usePoll } from "../components.js";

interface AlertRecord {
  rule: string;
  key: string;
  project: string;
  severity: string;
  summary: string;
  since: number;
  resolvedAt?: number;
  silenced?: boolean;
}
interface AlertsView {
  evaluatedAt: number | null;
  rules: { rule: string; firing: number; silencedUntil: number | null }[];
  firing: AlertRecord[];
  recent: AlertRecord[];
  channels: {
    channel: string;
    project: string;
    type: string;
    failures: number;
    lastError?: string;
    lastSuccessAt?: number;
    lastFailureAt?: number;
  }[];
}

export function AlertsPage() {
  const { data, error } = usePoll(() => getJson<AlertsView>("/v1/alerts"), 5000);
  return (
    <div>
      <ErrorNote error={error} />
      <Card title={`Firing (${data?.firing.length ?? 0})`}>
        {data?.firing.length === 0 && (
          <p class="muted">Nothing is firing. Rules last evaluated {time(data.evaluatedAt)}.</p>
        )}
        <ul class="events">
          {(data?.firing ?? []).map((a) => (
            <li key={a.key} class={a.severity === "critical" ? "error" : "warning"}>
              <strong>{a.rule}</strong> {a.summary}{" "}
              <span class="muted">
                since {time(a.since)}
                {a.silenced ? ", silenced" : ""}
              </span>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Channels">
        {data?.channels.length === 0 && <p class="muted">No channel has sent anything yet.</p>}
        <ul class="events">
          {(data?.channels ?? []).map((c) => (
            <li key={`${c.project}/${c.channel}`} class={c.failures > 0 ? "error" : ""}>
              <span class="mono">
                {c.project}/{c.channel}
              </span>{" "}
              ({c.type}):{" "}
              {c.failures > 0
                ? `FAILING — ${c.failures} failed deliveries, last ${time(c.lastFailureAt)}: ${c.lastError}`
                : `ok, last delivery ${time(c.lastSuccessAt)}`}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Rules">
        <ul class="rules">
          {(data?.rules ?? []).map((r) => (
            <li key={r.rule}>
              <span class="mono">{r.rule}</span>{" "}
              {r.firing > 0 ? (
                <span class="pill failed">{r.firing} firing</span>
              ) : (
                <span class="pill healthy">ok</span>
              )}
              {r.silencedUntil && <span class="muted"> silenced until {time(r.silencedUntil)}</span>}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Recently resolved">
        <ul class="events">
          {(data?.recent ?? []).slice(0, 20).map((a) => (
            <li key={`${a.key}${a.since}`}>
              {a.summary}{" "}
              <span class="muted">
                {time(a.since)} – {time(a.resolvedAt)}
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
