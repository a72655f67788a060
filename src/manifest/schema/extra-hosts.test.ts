import { describe, expect, it } from "vitest";
import { extraHosts, splitExtraHost } from "./extra-hosts.js";

describe("splitExtraHost", () => {
  it("splits at the first '=', else at the first ':'", () => {
    expect(splitExtraHost("somehost:162.242.195.82")).toEqual(["somehost", "162.242.195.82"]);
    expect(splitExtraHost("somehost=162.242.195.82")).toEqual(["somehost", "162.242.195.82"]);
    expect(splitExtraHost("myhostv6:[::1]")).toEqual(["myhostv6", "[::1]"]);
    expect(splitExtraHost("myhostv6:::1")).toEqual(["myhostv6", "::1"]);
    expect(splitExtraHost("myhostv6=::1")).toEqual(["myhostv6", "::1"]);
    expect(splitExtraHost("host.docker.internal:host-gateway")).toEqual([
      "host.docker.internal",
      "host-gateway",
    ]);
  });

  it("refuses an entry without a host or an address", () => {
    for (const entry of ["somehost", "somehost:", "=1.2.3.4", ":1.2.3.4", "a:b=1.2.3.4"])
      expect(splitExtraHost(entry), entry).toBeUndefined();
  });
});

describe("extraHosts", () => {
  it("normalizes both forms to host → addresses, without IPv6 brackets", () => {
    expect(extraHosts.parse(["a:1.2.3.4", "b=[::1]", "c=10.0.0.1,10.0.0.2", "a=5.6.7.8"])).toEqual({
      a: "1.2.3.4,5.6.7.8",
      b: "::1",
      c: "10.0.0.1,10.0.0.2",
    });
    expect(extraHosts.parse({ a: "1.2.3.4", b: ["[::1]", "10.0.0.1"] })).toEqual({
      a: "1.2.3.4",
      b: "::1,10.0.0.1",
    });
  });

  it("reports each bad entry at its position", () => {
    const result = extraHosts.safeParse(["a:1.2.3.4", "nohost"]);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[1]]);
    expect(extraHosts.safeParse({ "a:b": "1.2.3.4" }).error?.issues[0]?.path).toEqual(["a:b"]);
  });
});
