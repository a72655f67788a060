import { useRef } from "preact/hooks";
import { getJson } from "../api.js";
import { ActionButton, ago, Card, ErrorNote, megabytes, Pill, usePoll } from "../components.js";
import type { InstanceFigures, Overview } from "../types.js";

/** CPU % of each instance between two polls (from the CPU seconds each poll reads). */
function useCpuPercent(instances: readonly InstanceFigures[] | undefined, now: number | undefined) {
  const last = useRef(new Map<string, { cpu: number; at: number }>());
  const percent = new Map<string, number>();
  for (const i of instances ?? []) {
    const before = last.current.get(i.id);
    if (i.cpuSeconds === null || now === undefined) continue;
    if (before && now > before.at)
      percent.set(i.id, (100 * (i.cpuSeconds - before.cpu) * 1000) / (now - before.at));
    if (!before || now > before.at) last.current.set(i.id, { cpu: i.cpuSeconds, at: now });
  }
  return percent;
}

export function InstanceTable({ instances, now }: { instances: readonly InstanceFigures[]; now: number }) {
  const cpu = useCpuPercent(instances, now);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>instance</th>
            <th>health</th>
            <th>release</th>
            <th>uptime</th>
            <th>restarts</th>
            <th>CPU</th>
            <th>RSS</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i) => (
            <tr key={i.id}>
              <td class="mono">{i.id.split(".").slice(1).join(".")}</td>
              <td>
                <Pill state={i.state} />
              </td>
              <td class="mono">{i.release}</td>
              <td>{ago(i.startedAt)}</td>
              <td>{i.restarts}</td>
              <td>{cpu.has(i.id) ? `${cpu.get(i.id)!.toFixed(1)}%` : "–"}</td>
              <td>{megabytes(i.rssBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OverviewPage() {
  const { data, error } = usePoll(() => getJson<Overview>("/overview"), 2000);
  if (!data) return <ErrorNote error={error} />;
  return (
    <div>
      <ErrorNote error={error} />
      <Card
        title={`Maintenance mode: ${data.maintenance ? "on" : "off"}`}
        actions={
          <ActionButton
            label={data.maintenance ? "Maintenance off" : "Maintenance on"}
            question={
              data.maintenance
                ? "Turn maintenance mode off? Every route serves again."
                : "Turn maintenance mode on? Every HTTP route of the router answers 503 until it is turned off."
            }
            path="/v1/maintenance"
            body={{ on: !data.maintenance }}
            tone={data.maintenance ? undefined : "danger"}
          />
        }
      >
        <p class="muted">{data.projects.length} project(s) on this machine.</p>
      </Card>
      {data.projects.map((p) => (
        <Card
          key={p.project}
          title={
            <span>
              {p.project} <span class="mono muted">{p.release ?? "not deployed"}</span>
              {p.deploying && <span class="pill running"> deploying</span>}
              {p.down && <span class="pill stopped"> down</span>}
            </span>
          }
          actions={
            <span class="links">
              <a href={`#/p/${p.project}/releases`}>releases</a>
              <a href={`#/p/${p.project}/backups`}>backups</a>
            </span>
          }
        >
          <p class="services">
            {p.services.map((s) => (
              <a key={s} class="service-link" href={`#/p/${p.project}/s/${s}`}>
                {s}
              </a>
            ))}
          </p>
          <InstanceTable instances={p.instances} now={data.now} />
        </Card>
      ))}
    </div>
  );
}
