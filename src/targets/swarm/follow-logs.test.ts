import { describe, expect, it } from "vitest";
import { parseServiceLogLine } from "./follow-logs.js";

describe("parseServiceLogLine", () => {
  it("reads the engine's time, the task that wrote the line and its text (timestamps and details on)", () => {
    const line =
      "2026-12-07T01:02:03.123456789Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t9 web v1 listening on 43211";
    expect(parseServiceLogLine(line)).toEqual({
      ts: Date.parse("2026-12-07T01:02:03.123Z"),
      taskId: "t9",
      line: "web v1 listening on 43211",
    });
  });

  it("reads a line whose details are empty (two spaces), and a line with neither time nor details", () => {
    expect(parseServiceLogLine("2026-12-07T01:02:03Z  hello = world")).toMatchObject({
      taskId: undefined,
      line: "hello = world",
    });
    expect(parseServiceLogLine("plain text")).toEqual({
      ts: undefined,
      taskId: undefined,
      line: "plain text",
    });
  });
});
