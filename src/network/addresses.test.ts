import { describe, expect, it } from "vitest";
import { assignAddresses, renderHostsFile } from "./addresses.js";

const SHOP = { home: "/h", project: "shop" };

describe("assignAddresses", () => {
  it("gives each service its own loopback address outside 127.0.x.x", () => {
    const addresses = assignAddresses(SHOP, ["api", "db", "cache"]);
    const values = Object.values(addresses);
    expect(new Set(values).size).toBe(3);
    for (const address of values) {
      expect(address).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(address.startsWith("127.0.")).toBe(false);
    }
  });

  it("keeps earlier assignments and reuses no address", () => {
    const first = assignAddresses(SHOP, ["api", "db"]);
    const second = assignAddresses(SHOP, ["api", "db", "aaa"], first);
    expect(second.api).toBe(first.api);
    expect(second.db).toBe(first.db);
    expect(Object.values(second)).not.toContain(undefined);
    expect(new Set(Object.values(second)).size).toBe(3);
  });

  it("differs between homes deploying a project of the same name", () => {
    const a = assignAddresses({ home: "/tmp/home-a", project: "shop" }, ["api"]).api;
    expect(a).not.toBe(assignAddresses({ home: "/tmp/home-b", project: "shop" }, ["api"]).api);
  });

  it("differs between projects", () => {
    expect(assignAddresses(SHOP, ["api"]).api).not.toBe(
      assignAddresses({ home: "/h", project: "blog" }, ["api"]).api,
    );
  });
});

describe("renderHostsFile", () => {
  it("lists localhost and every service", () => {
    const text = renderHostsFile({ db: "127.5.6.2", api: "127.5.6.3" }, "box");
    expect(text).toContain("127.0.0.1\tlocalhost\n");
    expect(text).toContain("127.5.6.3\tapi\n127.5.6.2\tdb\n");
  });
});
