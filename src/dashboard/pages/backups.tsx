import { getJson } from "../api.js";
import { ActionButton, Card, ErrorNote, megabytes, Pill, time, usePoll } from "../components.js";

interface BackupListing {
  readonly backups: readonly {
    id: string;
    service: string;
    engine: string;
    createdAt: string;
    size: number;
    encrypted: boolean;
    verified: "ok" | "failed" | null;
    verifiedAt: string | null;
  }[];
  readonly failures: readonly { ts: number; service?: string; kind: string; message: string }[];
}

export function BackupsPage({ project }: { project: string }) {
  const { data, error } = usePoll(() => getJson<BackupListing>(`/v1/backups?project=${project}`), 5000, [
    project,
  ]);
  const lastFailure = data?.failures[0];
  return (
    <div>
      <ErrorNote error={error} />
      <Card
        title={`Backups of ${project}`}
        actions={
          <ActionButton
            label="Run a backup"
            question={`Back up every backed-up service of ${project} now?`}
            path="/v1/backups/run"
            body={{ project }}
          />
        }
      >
        <p>
          {lastFailure ? (
            <span class="error">
              Last failure {time(lastFailure.ts)}: {lastFailure.message}
            </span>
          ) : (
            <span class="muted">No recent failure.</span>
          )}
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>backup</th>
                <th>service</th>
                <th>made</th>
                <th>size</th>
                <th>verified</th>
              </tr>
            </thead>
            <tbody>
              {(data?.backups ?? []).map((b) => (
                <tr key={b.id}>
                  <td class="mono">{b.id}</td>
                  <td>
                    {b.service}{" "}
                    <span class="muted">
                      {b.engine}
                      {b.encrypted ? ", encrypted" : ""}
                    </span>
                  </td>
                  <td>{time(b.createdAt)}</td>
                  <td>{megabytes(b.size)}</td>
                  <td>
                    {b.verified ? <Pill state={b.verified === "ok" ? "healthy" : "failed"} /> : "never"}{" "}
                    {b.verifiedAt ? time(b.verifiedAt) : ""}
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
