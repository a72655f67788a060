import { describe, expect, it } from "vitest";
import { parseIdDatabase, resolveGroup, resolveUser, userName } from "./users.js";

const passwd = parseIdDatabase(
  "root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL:/var/lib/postgresql:/bin/bash\n",
);
const groups = parseIdDatabase("root:x:0:\nssl-cert:x:110:postgres\n");

describe("resolveUser", () => {
  it("resolves a name to its uid and primary group", () => {
    expect(resolveUser("postgres", passwd, groups)).toEqual({ uid: 101, gid: 104 });
  });

  it("accepts uid, uid:gid and name:group", () => {
    expect(resolveUser("101", passwd, groups)).toEqual({ uid: 101, gid: 104 });
    expect(resolveUser("2000", passwd, groups)).toEqual({ uid: 2000, gid: 2000 });
    expect(resolveUser("2000:3000", passwd, groups)).toEqual({ uid: 2000, gid: 3000 });
    expect(resolveUser("postgres:ssl-cert", passwd, groups)).toEqual({ uid: 101, gid: 110 });
  });

  it("returns undefined for unknown names", () => {
    expect(resolveUser("nobody-here", passwd, groups)).toBeUndefined();
    expect(resolveUser("postgres:no-group", passwd, groups)).toBeUndefined();
  });

  it("reads the machine's /etc/passwd by default", () => {
    expect(resolveUser("root")).toEqual({ uid: 0, gid: 0 });
  });
});

describe("userName and resolveGroup", () => {
  it("names a uid, and finds a group by name or number", () => {
    expect(userName(101, passwd)).toBe("postgres");
    expect(userName(4242, passwd)).toBeUndefined();
    expect(resolveGroup("ssl-cert", groups)).toEqual({ name: "ssl-cert", gid: 110 });
    expect(resolveGroup("110", groups)).toEqual({ name: "ssl-cert", gid: 110 });
    expect(resolveGroup("4242", groups)).toEqual({ name: "4242", gid: 4242 });
    expect(resolveGroup("no-such-group", groups)).toBeUndefined();
  });
});
