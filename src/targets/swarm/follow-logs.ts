import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import type { EngineLogLine } from "../orchestrator.js";
import { serviceTasks } from "./tasks.js";

/** One line of `GET /services/{id}/logs?timestamps=1&details=1`: its time, the task that wrote it, the text. */
export interface ServiceLogEntry {
  readonly ts: number | undefined;
  readonly taskId: string | undefined;
  readonly line: string;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;

/**
 * Reads a service log line as the engine writes it with timestamps and details: `<RFC 3339 time>
 * <attrs> <text>`, where attrs are `key=value` pairs joined by commas (`com.docker.swarm.task.id=…`).
 * Pure: unit-tested.
 */
export function parseServiceLogLine(text: string): ServiceLogEntry {
  let rest = text;
  let ts: number | undefined;
  const time = TIMESTAMP.exec(rest);
  if (time) {
    // Date.parse takes milliseconds at most: the engine writes nanoseconds.
    ts = Date.parse(time[1]!.replace(/(\.\d{3})\d+/, "$1"));
    rest = rest.slice(time[0].length);
  }
  let taskId: string | undefined;
  const space = rest.indexOf(" ");
  const attrs = space >= 0 ? rest.slice(0, space) : rest;
  if (attrs === "" || /^[\w.%-]+=[^ ]*$/.test(attrs)) {
    for (const pair of attrs.split(",")) {
      const [key, value] = pair.split("=");
      if (key === "com.docker.swarm.task.id") taskId = decodeURIComponent(value ?? "");
    }
    rest = space >= 0 ? rest.slice(space + 1) : "";
  }
  return { ts, taskId, line: rest };
}

/**
 * Follows one Swarm service's logs through the Engine API (the last `tail` lines, then new ones as
 * the tasks write them) until `signal` aborts or the engine ends the stream (the service is gone).
 * Each line is labelled like an instance of the other targets, as Compose names containers:
 * `<service>-<slot>` (Swarm's slots count from 1).
 */
export async function followServiceLogs(
  docker: Dockerode,
  serviceId: string,
  service: string,
  tail: number,
  onLine: (line: EngineLogLine) => void,
  signal: AbortSignal,
): Promise<void> {
  const labels = new Map<string, string>();
  let lookedAt = 0;
  const labelOf = async (taskId: string | undefined): Promise<string> => {
    if (!taskId) return service;
    if (!labels.has(taskId) && Date.now() - lookedAt > 1000) {
      lookedAt = Date.now();
      for (const task of await serviceTasks(docker, serviceId).catch(() => []))
        labels.set(task.ID, `${service}-${task.Slot ?? 0}`);
    }
    return labels.get(taskId) ?? `${service}-${taskId.slice(0, 8)}`;
  };
  if (signal.aborted) return;
  const stream = (await docker.getService(serviceId).logs({
    stdout: true,
    stderr: true,
    follow: true,
    tail,
    timestamps: true,
    details: true,
  })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const stop = () => stream.destroy();
  signal.addEventListener("abort", stop, { once: true });
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const read = async (from: PassThrough, name: "stdout" | "stderr") => {
    for await (const text of createInterface({ input: from })) {
      const entry = parseServiceLogLine(text);
      onLine({
        service,
        instance: await labelOf(entry.taskId),
        stream: name,
        ts: entry.ts ?? Date.now(),
        line: entry.line,
      });
    }
  };
  const reading = Promise.all([read(out, "stdout"), read(err, "stderr")]);
  await new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  signal.removeEventListener("abort", stop);
  out.end();
  err.end();
  await reading;
}
