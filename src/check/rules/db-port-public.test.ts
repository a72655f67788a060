import { describe, expect, it } from "vitest";
import { check, hitsOf } from "../test-support.js";
import { dbPortPublic } from "./db-port-public.js";

describe("E_CHECK_DB_PORT_PUBLIC", () => {
  it("flags a postgres port published on all interfaces, and names the fix", () => {
    const findings = check(
      dbPortPublic,
      `
      services:
        db:
          image: postgres:16-alpine
          ports: ["5432:5432"]
      `,
    );
    expect(hitsOf(findings)).toEqual(["E_CHECK_DB_PORT_PUBLIC services.db.ports[0]"]);
    expect(findings[0]?.severity).toBe("error");
    expect(findings[0]?.hint).toContain('"127.0.0.1:5432:5432"');
  });

  it("flags explicit 0.0.0.0 and :: and a service known only by its port", () => {
    const findings = check(
      dbPortPublic,
      `
      services:
        cache:
          image: ghcr.io/acme/cache:1
          ports: ["0.0.0.0:6380:6379", "[::]:6381:6379", "127.0.0.1:6382:6379"]
      `,
    );
    expect(hitsOf(findings)).toEqual([
      "E_CHECK_DB_PORT_PUBLIC services.cache.ports[0]",
      "E_CHECK_DB_PORT_PUBLIC services.cache.ports[1]",
    ]);
  });

  it("accepts a database bound to localhost, an unpublished one, and a public web port", () => {
    const findings = check(
      dbPortPublic,
      `
      services:
        db:
          image: postgres:16
          ports: ["127.0.0.1:5432:5432"]
        redis:
          image: redis:7
          ports: ["6379"]
        web:
          image: nginx:1.27
          ports: ["80:80"]
      `,
    );
    expect(findings).toEqual([]);
  });
});
