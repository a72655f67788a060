import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, act } from "./api.js";

/** Fetches `load()` now and every `everyMs`; a 401 shows the login notice (see main.tsx). */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: readonly unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const tick = () =>
      load().then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
        },
        (e: Error) => {
          if (live) setError(e);
        },
      );
    void tick();
    const timer = setInterval(tick, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, deps);
  return { data, error };
}

export function ErrorNote({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const code = error instanceof ApiError ? `${error.code}: ` : "";
  return <p class="error">{`${code}${error.message}`}</p>;
}

/**
 * A button for an operator action: it opens a confirmation that says what will happen; only
 * "Confirm" sends it. The outcome is shown next to the button (and the agent's audit log keeps it).
 */
export function ActionButton(props: {
  label: string;
  question: string;
  path: string;
  body: object;
  tone?: "danger";
  onDone?: (result: unknown) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [state, setState] = useState<{ busy?: boolean; note?: string; failed?: boolean }>({});
  const run = async () => {
    setAsking(false);
    setState({ busy: true, note: `${props.label}…` });
    try {
      const result = (await act(props.path, props.body)) as { status?: string; error?: { message: string } };
      const failed = result?.status !== undefined && result.status !== "succeeded";
      setState({
        failed,
        note: failed
          ? `${props.label}: ${result.status} ${result.error?.message ?? ""}`
          : `${props.label}: done`,
      });
      props.onDone?.(result);
    } catch (e) {
      setState({ failed: true, note: `${props.label} failed: ${(e as Error).message}` });
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.tone ?? ""} disabled={state.busy} onClick={() => setAsking(true)}>
        {props.label}
      </button>
      {state.note && (
        <span class={state.failed ? "note error" : "note"} data-testid="action-note">
          {state.note}
        </span>
      )}
      {asking && (
        <div class="modal" role="dialog" aria-modal="true">
          <div class="modal-box">
            <p>{props.question}</p>
            <div class="modal-buttons">
              <button type="button" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button type="button" class={props.tone ?? "primary"} onClick={run}>
                Confirm
              </button>
            </div>
          </div>
        </div>
      )}
    </span>
  );
}

/** A small line chart of the values sampled while the page is open. */
export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const width = 120;
  const height = 28;
  const max = Math.max(...values, 1e-9);
  const points = values
    .map((v, i) => `${(i * width) / Math.max(values.length - 1, 1)},${height - (v / max) * (height - 2) - 1}`)
    .join(" ");
  return (
    <svg
      class="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** "10% → r8, 90% → r7" (a traffic event's detail) as a bar. */
export function TrafficSplit({ detail }: { detail: string }) {
  const parts = [...detail.matchAll(/(\d+)% → (\S+?)(?:,|$)/g)].map((m) => ({
    percent: Number(m[1]),
    release: m[2]!,
  }));
  if (parts.length === 0) return <span>{detail}</span>;
  return (
    <div class="split" data-testid="traffic-split">
      {parts.map((p, i) => (
        <span key={p.release} class={`split-part c${i}`} style={{ width: `${Math.max(p.percent, 8)}%` }}>
          {`${p.release} ${p.percent}%`}
        </span>
      ))}
    </div>
  );
}

export const Pill = ({ state }: { state: string }) => <span class={`pill ${state}`}>{state}</span>;

export function Card({
  title,
  children,
  actions,
}: {
  title: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="card">
      <header>
        <h2>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export const ago = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
};

export const time = (ms: number | string | null | undefined) =>
  ms === null || ms === undefined ? "–" : new Date(ms).toLocaleString();

export const megabytes = (bytes: number | null) =>
  bytes === null ? "–" : `${(bytes / 1048576).toFixed(1)} MB`;
