import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";
import { parsePublished, parseShortPort } from "./ports.js";
import { splitShellWords } from "./scalars.js";
import { parseShortVolume } from "./volumes.js";

describe("parseShortPort", () => {
  it("reads every short form", () => {
    expect(parseShortPort("80")).toEqual([
      { target: 80, published: undefined, protocol: "tcp", mode: "ingress", host_ip: undefined },
    ]);
    expect(parseShortPort("8080:80")).toEqual([
      { target: 80, published: "8080", protocol: "tcp", mode: "ingress", host_ip: undefined },
    ]);
    expect(parseShortPort("127.0.0.1:8080:80/udp")).toEqual([
      { target: 80, published: "8080", protocol: "udp", mode: "ingress", host_ip: "127.0.0.1" },
    ]);
    expect(parseShortPort("[::1]:53:53/udp")).toEqual([
      { target: 53, published: "53", protocol: "udp", mode: "ingress", host_ip: "::1" },
    ]);
    expect(parseShortPort("127.0.0.1::5000")).toEqual([
      { target: 5000, published: undefined, protocol: "tcp", mode: "ingress", host_ip: "127.0.0.1" },
    ]);
  });

  it("reads an empty host address and sctp as Docker does", () => {
    expect(parseShortPort(":2283:2283")).toMatchObject([
      { target: 2283, published: "2283", host_ip: undefined },
    ]);
    expect(parseShortPort("::80")).toMatchObject([{ target: 80, published: undefined }]);
    expect(parseShortPort("8080:80/sctp")).toMatchObject([
      { target: 80, published: "8080", protocol: "sctp" },
    ]);
  });

  it("expands equal ranges per port and keeps a host range for a single target", () => {
    expect(parseShortPort("9000-9002:8000-8002")).toMatchObject([
      { target: 8000, published: "9000" },
      { target: 8001, published: "9001" },
      { target: 8002, published: "9002" },
    ]);
    expect(parseShortPort("9000-9005:80")).toMatchObject([{ target: 80, published: "9000-9005" }]);
  });

  it("rejects bad specs with a message", () => {
    expect(parseShortPort("80:80:80:80")).toMatch(/is not a port/);
    expect(parseShortPort("99999:80")).toMatch(/outside 0-65535/);
    expect(parseShortPort("9000-9001:80-82")).toMatch(/same size/);
    expect(parseShortPort("http")).toMatch(/is not a port/);
    expect(parseShortPort("90-80")).toMatch(/backwards/);
    expect(parseShortPort("0")).toMatch(/container port outside 1-65535/);
    expect(parseShortPort("8080:0")).toMatch(/container port outside 1-65535/);
  });
});

describe("parsePublished (long syntax)", () => {
  it("reads a port or a range, as a number or a string", () => {
    expect(parsePublished(8080)).toEqual([8080, 8080]);
    expect(parsePublished("8000-8010")).toEqual([8000, 8010]);
    expect(parsePublished("0")).toEqual([0, 0]);
  });

  it("rejects what the short syntax rejects", () => {
    expect(parsePublished(99999)).toMatch(/outside 0-65535/);
    expect(parsePublished("banana")).toMatch(/is not a port or a range/);
    expect(parsePublished("90-80")).toMatch(/backwards/);
    expect(parsePublished(-1)).toMatch(/is not a port or a range/);
  });
});

describe("parseShortVolume", () => {
  it("tells bind mounts from named and anonymous volumes", () => {
    expect(parseShortVolume("./data:/data:ro")).toEqual({
      type: "bind",
      source: "./data",
      target: "/data",
      read_only: true,
      bind: { create_host_path: true },
    });
    expect(parseShortVolume("~/x:/x")).toMatchObject({ type: "bind", source: "~/x" });
    expect(parseShortVolume("pgdata:/var/lib/postgresql/data")).toEqual({
      type: "volume",
      source: "pgdata",
      target: "/var/lib/postgresql/data",
      read_only: false,
      volume: { nocopy: false },
    });
    expect(parseShortVolume("/cache")).toEqual({
      type: "volume",
      target: "/cache",
      read_only: false,
      volume: { nocopy: false },
    });
  });

  it("rejects unknown modes and empty parts", () => {
    expect(parseShortVolume("a:/b:rx")).toMatch(/unknown mode "rx"/);
    expect(parseShortVolume("a::/b")).toMatch(/is not a volume/);
  });
});

describe("durations", () => {
  it("parses Go-style durations and bare seconds", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("10")).toBe(10_000);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("5 minutes")).toBeUndefined();
    expect(parseDuration("1x")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });

  it("prints them back in Compose form", () => {
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(3_600_500)).toBe("1h500ms");
    expect(formatDuration(0)).toBe("0s");
  });
});

describe("splitShellWords", () => {
  it("splits like a shell without running one", () => {
    expect(splitShellWords(`nginx -g "daemon off;"`)).toEqual(["nginx", "-g", "daemon off;"]);
    expect(splitShellWords(`sh -c 'echo $HOME'`)).toEqual(["sh", "-c", "echo $HOME"]);
  });
});
