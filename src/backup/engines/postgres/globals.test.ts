import { describe, expect, it } from "vitest";
import { firstIdentifier, missingRolesScript } from "./globals.js";

const dump = `--
-- PostgreSQL database cluster dump
--

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Roles
--

CREATE ROLE app;
ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$x';
CREATE ROLE "Odd ""Name""";
ALTER ROLE "Odd ""Name""" WITH NOSUPERUSER INHERIT NOLOGIN;
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
ALTER ROLE app SET search_path TO 'app', 'public';

--
-- Role memberships
--

GRANT pg_read_all_data TO app GRANTED BY postgres;
GRANT "Odd ""Name""" TO postgres GRANTED BY postgres;
CREATE TABLESPACE fast OWNER postgres LOCATION '/mnt/fast';
`;

describe("missingRolesScript", () => {
  it("keeps only statements about roles that do not exist", () => {
    const script = missingRolesScript(dump, new Set(["postgres", "app"]));
    expect(script).toContain('CREATE ROLE "Odd ""Name""";');
    expect(script).toContain('ALTER ROLE "Odd ""Name""" WITH');
    expect(script).not.toContain("CREATE ROLE app;");
    expect(script).not.toContain("PASSWORD");
    expect(script).not.toContain("ALTER ROLE postgres");
    expect(script).not.toContain("GRANT");
    expect(script).not.toContain("TABLESPACE");
    expect(script).toContain("SET standard_conforming_strings = on;");
  });

  it("recreates a missing role with its password, settings and memberships", () => {
    const script = missingRolesScript(dump, new Set(["postgres", 'Odd "Name"']));
    expect(script).toContain("CREATE ROLE app;");
    expect(script).toContain("PASSWORD 'SCRAM-SHA-256$x'");
    expect(script).toContain("ALTER ROLE app SET search_path");
    expect(script).toContain("GRANT pg_read_all_data TO app");
    expect(script).not.toContain('GRANT "Odd');
  });
});

describe("firstIdentifier", () => {
  it("reads bare (folded to lower case) and quoted identifiers", () => {
    expect(firstIdentifier("App WITH LOGIN")).toBe("app");
    expect(firstIdentifier('"a ""b"" c";')).toBe('a "b" c');
    expect(firstIdentifier('"unterminated')).toBeUndefined();
  });
});
