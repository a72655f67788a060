import { useEffect, useRef, useState } from "preact/hooks";
import { getJson } from "../api.js";
import { ActionButton, Card, ErrorNote, Sparkline, time, usePoll } from "../components.js";
import type { Overview, StoredEvent } from "../types.js";
import { InstanceTable } from "./overview.js";

/** How many samples a sparkline keeps (one every 2 s: the last two minutes). */
const SAMPLES = 60;

interface Sample {
  readonly rssMb: number;
  readonly cpuSeconds: number;
  readonly requests: number;
  readonly at: number;
}

/** The service's figures sampled while the page is open: memory, CPU and requests through the router. */
function useSamples(project: string, service: string, overview: Overview | undefined) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const seen = useRef(0);
  useEffect(() => {
    if (!overview || overview.now === seen.current) return;
    seen.current = overview.now;
    const instances =
      overview.projects.find((p) => p.project === project)?.instances.filter((i) => i.service === service) ??
      [];
    void getJson<Record<string, { requests: number }>>(`/traffic?project=${project}&service=${service}`)
      .catch(() => ({}) as Record<string, { requests: number }>)
      .then((traffic) => {
        const sample = {
          rssMb: instances.reduce((sum, i) => sum + (i.rssBytes ?? 0), 0) / 1048576,
          cpuSeconds: instances.reduce((sum, i) => sum + (i.cpuSeconds ?? 0), 0),
          requests: Object.values(traffic).reduce((sum, v) => sum + v.requests, 0),
          at: overview.now,
        };
        setSamples((before) => [...before, sample].slice(-SAMPLES));
      });
  }, [overview]);
  const rates = (pick: (s: Sample) => number, scale: number) =>
    samples
      .slice(1)
      .map((s, i) =>
        Math.max(0, ((pick(s) - pick(samples[i]!)) * scale * 1000) / Math.max(1, s.at - samples[i]!.at)),
      );
  return {
    rss: samples.map((s) => s.rssMb),
    cpu: rates((s) => s.cpuSeconds, 100),
    requests: rates((s) => s.requests, 1),
  };
}

export function ServicePage({ project, service }: { project: string; service: string }) {
  const { data, error } = usePoll(() => getJson<Overview>("/overview"), 2000, [project, service]);
  const events = usePoll(
    () => getJson<{ events: StoredEvent[] }>(`/v1/events?project=${project}&service=${service}`),
    3000,
    [project, service],
  );
  const logs = usePoll(
    () =>
      getJson<{ lines: { ts: number; instance: string; stream: string; line: string }[] }>(
        `/logs?project=${project}&service=${service}`,
      ),
    3000,
    [project, service],
  );
  const spark = useSamples(project, service, data);
  const instances =
    data?.projects.find((p) => p.project === project)?.instances.filter((i) => i.service === service) ?? [];
  const last = (values: number[], unit: string) =>
    values.length > 0 ? `${values[values.length - 1]!.toFixed(1)} ${unit}` : "–";
  return (
    <div>
      <ErrorNote error={error} />
      <Card
        title={`${project} / ${service}`}
        actions={
          <ActionButton
            label="Restart"
            question={`Restart every instance of ${service}, one by one, with the same release?`}
            path="/v1/restart"
            body={{ project, service }}
          />
        }
      >
        {data && <InstanceTable instances={instances} now={data.now} />}
        <div class="sparks">
          <div>
            <span class="muted">memory</span> <Sparkline values={spark.rss} label="memory" />{" "}
            {last(spark.rss, "MB")}
          </div>
          <div>
            <span class="muted">CPU</span> <Sparkline values={spark.cpu} label="CPU" /> {last(spark.cpu, "%")}
          </div>
          <div>
            <span class="muted">requests</span> <Sparkline values={spark.requests} label="requests" />{" "}
            {last(spark.requests, "/s")}
          </div>
        </div>
      </Card>
      <Card title="Recent events">
        <ErrorNote error={events.error} />
        <ul class="events">
          {(events.data?.events ?? [])
            .slice(-20)
            .reverse()
            .map((e) => (
              <li key={e.id} class={e.level}>
                <span class="muted">{time(e.ts)}</span> <span class="mono">{e.kind}</span> {e.message}
              </li>
            ))}
        </ul>
      </Card>
      <Card title="Logs (newest 100 lines)">
        <ErrorNote error={logs.error} />
        <pre class="logs">{(logs.data?.lines ?? []).map((l) => `${l.instance} | ${l.line}`).join("\n")}</pre>
      </Card>
    </div>
  );
}
