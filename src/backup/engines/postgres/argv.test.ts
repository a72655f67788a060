import { describe, expect, it } from "vitest";
import { pgDumpArgs, pgDumpallGlobalsArgs, pgRestoreArgs, psqlArgs } from "./argv.js";
import { conninfo, pgConnection, pgEnv, quoteIdent, quoteLiteral, truncateBytes } from "./connection.js";
import { scratchDatabaseName } from "./scratch.js";

const connection = pgConnection({
  host: "db.internal",
  port: 5433,
  user: "app",
  password: "s3cret'",
  database: "shop",
});

describe("PostgreSQL argv builders", () => {
  it("dumps in custom format inside the exported snapshot, without pg_dump's own compression by default", () => {
    expect(pgDumpArgs(connection, "00000003-00000002-1", 0)).toEqual([
      "--format=custom",
      "--compress=0",
      "--no-password",
      "--lock-wait-timeout=300s",
      "--snapshot=00000003-00000002-1",
      "--dbname=host='db.internal' port=5433 user='app' dbname='shop' application_name=slipway-backup connect_timeout=10",
    ]);
  });

  it("never puts the password in argv; it travels in PGPASSWORD", () => {
    const all = [
      pgDumpArgs(connection, undefined, 0),
      pgDumpallGlobalsArgs(connection, true),
      pgRestoreArgs(connection, "x"),
      psqlArgs(connection, "x"),
    ];
    for (const argv of all) expect(argv.join(" ")).not.toContain("s3cret");
    expect(pgEnv(connection)).toEqual({ PGPASSWORD: "s3cret'" });
  });

  it("leaves role passwords out of the globals unless the user is a superuser", () => {
    expect(pgDumpallGlobalsArgs(connection, false)).toContain("--no-role-passwords");
    expect(pgDumpallGlobalsArgs(connection, true)).not.toContain("--no-role-passwords");
  });

  it("restores in one transaction with --clean --if-exists in place, and stops at the first error", () => {
    expect(pgRestoreArgs(connection, "shop", { clean: true }).slice(0, 5)).toEqual([
      "--exit-on-error",
      "--no-password",
      "--clean",
      "--if-exists",
      "--single-transaction",
    ]);
    expect(pgRestoreArgs(connection, "v", { dataOnlyOwnership: true })).toContain("--no-owner");
    expect(pgRestoreArgs(connection, "s", { sections: ["pre-data", "data"] })).toEqual(
      expect.arrayContaining(["--section=pre-data", "--section=data"]),
    );
    expect(pgRestoreArgs(connection, "s", { sections: ["post-data"], jobs: 2 })).toEqual(
      expect.arrayContaining(["--section=post-data", "--jobs=2"]),
    );
    expect(pgRestoreArgs(connection, "s", { jobs: 1 }).join(" ")).not.toContain("--jobs");
  });

  it("quotes every name so that no database name becomes an option or a second conninfo key", () => {
    expect(conninfo({ ...connection, host: "/run/pg" }, "we'ird\\ db=x")).toContain(
      "dbname='we\\'ird\\\\ db=x'",
    );
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it("derives scratch database names within PostgreSQL's 63-byte limit, never splitting a character", () => {
    const name = scratchDatabaseName("ü".repeat(40), "verify", "20250102t030000z-9f3a1c");
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name.endsWith("_verify_20250102t030000z_9f3a1c")).toBe(true);
    expect(truncateBytes("aü", 2)).toBe("a");
  });
});
