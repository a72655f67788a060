import { describe, expect, it } from "vitest";
import { assignAddresses, renderHostsFile } from "./addresses.js";

describe("assignAddresses", () => {
  it("gives each service its own loopback address outside 127.0.x.x", () => {
    const addresses = assignAddresses("shop", ["api", "db", "cache"]);
    const values = Object.values(addresses);
    expect(new Set(values).size).toBe(3);
    for (const address of values) {
      expect(address).toMatch(/^127\.\d+\.\d+\.\d+$/);
      expect(address.startsWith("127.0.")).toBe(false);
    }
  });

  it("keeps earlier assignments and reuses no address", () => {
    const first = assignAddresses("shop", ["api", "db"]);
    const second = assignAddresses("shop", ["api", "db", "aaa"], first);
    expect(second.api).toBe(first.api);
    expect(second.db).toBe(first.db);
    expect(Object.values(second)).not.toContain(undefined);
    expect(new Set(Object.values(second)).size).toBe(3);
  });

  it("differs between projects", () => {
    expect(assignAddresses("shop", ["api"]).api).not.toBe(assignAddresses("blog", ["api"]).api);
  });
});

describe("renderHostsFile", () => {
  it("lists localhost and every service", () => {
    const text = renderHostsFile({ db: "127.5.6.2", api: "127.5.6.3" }, "box");
    expect(text).toContain("127.0.0.1\tlocalhost\n");
    expect(text).toContain("127.5.6.3\tapi\n127.5.6.2\tdb\n");
  });
});
