import { describe, expect, it } from "vitest";
import { parseIdDatabase, resolveUser } from "./users.js";

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
