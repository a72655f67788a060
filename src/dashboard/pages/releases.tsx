import { useState } from "preact/hooks";
import { getJson } from "../api.js";
import { ActionButton, Card, ErrorNote, Pill, time, usePoll } from "../components.js";
import type { DeployRecord, Releases } from "../types.js";
import { LiveDeployCard } from "./live-deploy.js";

/** Why a deploy failed, as state keeps it (an error's code, message (a probe's output) and hint). */
function failureOf(deploy: DeployRecord): string {
  const error = deploy.error;
  if (!error) return "";
  if (typeof error === "string") return error;
  return [error.code, error.message].filter(Boolean).join(": ") + (error.hint ? ` (${error.hint})` : "");
}

export function ReleasesPage({ project }: { project: string }) {
  const [round, setRound] = useState(0);
  const { data, error } = usePoll(() => getJson<Releases>(`/v1/releases?project=${project}`), 5000, [
    project,
    round,
  ]);
  const refresh = () => setRound((n) => n + 1);
  const active = data?.releases.find((r) => r.status === "active");
  return (
    <div>
      <LiveDeployCard project={project} onFinished={refresh} />
      <ErrorNote error={error} />
      <Card
        title={
          <span>
            Releases of {project} <span class="muted">active: </span>
            <span class="mono" data-testid="active-release">
              {active?.id ?? "none"}
            </span>
          </span>
        }
        actions={
          <ActionButton
            label="Roll back"
            question={`Roll ${project} back to its previous release?`}
            path="/v1/rollback"
            body={{ project }}
            tone="danger"
            onDone={refresh}
          />
        }
      >
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>release</th>
                <th>made</th>
                <th>status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(data?.releases ?? []).map((r) => (
                <tr key={r.id}>
                  <td class="mono">{r.id}</td>
                  <td>{time(r.createdAt)}</td>
                  <td>
                    <Pill state={r.status} />
                  </td>
                  <td>
                    {r.status === "superseded" && (
                      <ActionButton
                        label={`Roll back to ${r.id}`}
                        question={`Deploy ${r.id} again (no rebuild)?`}
                        path="/v1/rollback"
                        body={{ project, release: r.id }}
                        onDone={refresh}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Deploys">
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>#</th>
                <th>kind</th>
                <th>release</th>
                <th>status</th>
                <th>started</th>
                <th>why it failed</th>
              </tr>
            </thead>
            <tbody>
              {(data?.deploys ?? []).map((d) => (
                <tr key={d.id}>
                  <td>{d.id}</td>
                  <td>{d.kind}</td>
                  <td class="mono">
                    {d.fromReleaseId ? `${d.fromReleaseId} → ${d.releaseId}` : d.releaseId}
                  </td>
                  <td>
                    <Pill state={d.status} />
                  </td>
                  <td>{time(d.startedAt)}</td>
                  <td>
                    <pre class="reason">{failureOf(d)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
