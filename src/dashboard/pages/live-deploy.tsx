import { useEffect, useState } from "preact/hooks";
import { ActionButton, Card, Pill, TrafficSplit } from "../components.js";
import type { DeployEvent } from "../types.js";

interface LiveDeploy {
  release: string;
  from?: string | undefined;
  status: string;
  services: Record<string, { phase: string; detail?: string | undefined }>;
  traffic: Record<string, string>;
  analysis: Record<string, string>;
  paused: string[];
  log: string[];
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}

function apply(deploy: LiveDeploy | undefined, event: DeployEvent): LiveDeploy | undefined {
  if (event.type === "deploy.started")
    return {
      release: event.release,
      from: event.from,
      status: "running",
      services: {},
      traffic: {},
      analysis: {},
      paused: [],
      log: [],
    };
  if (!deploy) return deploy;
  const next = { ...deploy };
  if (event.type === "service") {
    next.services = { ...deploy.services, [event.service]: { phase: event.phase, detail: event.detail } };
    if (event.phase === "traffic" && event.detail)
      next.traffic = { ...deploy.traffic, [event.service]: event.detail };
    if (event.phase === "analysis" && event.detail)
      next.analysis = { ...deploy.analysis, [event.service]: event.detail };
    next.paused =
      event.phase === "paused"
        ? [...deploy.paused, event.service]
        : deploy.paused.filter((s) => s !== event.service);
  } else if (event.type === "log") next.log = [...deploy.log, `${event.level}: ${event.message}`].slice(-50);
  else if (event.type === "deploy.finished") {
    next.status = event.status;
    next.error = event.error;
    next.paused = [];
  }
  return next;
}

/**
 * The project's running (or newest) deploy, streamed from the agent's events as they happen:
 * each service's phase, the traffic split of a canary or blue-green switch, the canary's analysis,
 * promote/abort while it waits, and why it failed.
 */
export function LiveDeployCard({ project, onFinished }: { project: string; onFinished: () => void }) {
  const [deploy, setDeploy] = useState<LiveDeploy | undefined>(undefined);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    setDeploy(undefined);
    const source = new EventSource(`/api/feed?project=${encodeURIComponent(project)}`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as DeployEvent;
      setDeploy((before) => apply(before, event));
      if (event.type === "deploy.finished") onFinished();
    };
    return () => source.close();
  }, [project]);
  const title = deploy ? (
    <span>
      Deploy of <span class="mono">{deploy.release}</span>
      {deploy.from && <span class="muted"> (from {deploy.from})</span>}{" "}
      <span data-testid="live-status">
        <Pill state={deploy.status} />
      </span>
    </span>
  ) : (
    "No deploy since the agent started"
  );
  return (
    <Card
      title={title}
      actions={
        <span class={connected ? "pill healthy" : "pill stopped"}>{connected ? "live" : "offline"}</span>
      }
    >
      {deploy && (
        <div data-testid="live-deploy">
          <ul class="phases">
            {Object.entries(deploy.services).map(([service, s]) => (
              <li key={service}>
                <span class="mono">{service}</span> <Pill state={s.phase} />{" "}
                <span class="muted">{s.detail ?? ""}</span>
              </li>
            ))}
          </ul>
          {Object.entries(deploy.traffic).map(([service, detail]) => (
            <div key={service} class="traffic">
              <span class="muted">traffic to {service}</span>
              <TrafficSplit detail={detail} />
            </div>
          ))}
          {Object.entries(deploy.analysis).map(([service, detail]) => (
            <p key={service} class="muted">
              canary analysis of {service}: {detail}
            </p>
          ))}
          {deploy.paused.length > 0 && (
            <p>
              <ActionButton
                label="Promote"
                question="Promote the canary: send it all traffic?"
                path="/v1/promote"
                body={{ project }}
              />
              <ActionButton
                label="Abort"
                question="Abort the canary: return all traffic to the stable release?"
                path="/v1/abort"
                body={{ project }}
                tone="danger"
              />
            </p>
          )}
          {deploy.error && (
            <div class="failure" data-testid="failure">
              <strong>{deploy.error.code}</strong>: <pre>{deploy.error.message}</pre>
              {deploy.error.hint && <p class="muted">{deploy.error.hint}</p>}
            </div>
          )}
          {deploy.log.length > 0 && <pre class="logs">{deploy.log.join("\n")}</pre>}
        </div>
      )}
    </Card>
  );
}
