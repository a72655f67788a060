/**
 * Keeps from `pg_dumpall --globals-only` output only what concerns roles that do not exist yet:
 * their CREATE ROLE, ALTER ROLE (attributes, password, settings) and the memberships granted to them.
 * Roles that exist keep their current password and attributes; tablespaces (paths of another
 * machine) are left out. Session SETs and comments are kept.
 */
export function missingRolesScript(globalsSql: string, existingRoles: ReadonlySet<string>): string {
  const kept: string[] = [];
  for (const line of globalsSql.split("\n")) {
    const role = statementRole(line);
    if (role === "keep") kept.push(line);
    else if (role !== "drop" && !existingRoles.has(role)) kept.push(line);
  }
  return kept.join("\n");
}

/** The role a globals line is about, `keep` for lines about no role, `drop` for everything else. */
function statementRole(line: string): string | "keep" | "drop" {
  if (line.trim() === "" || line.startsWith("--") || line.startsWith("SET ")) return "keep";
  const role = /^(?:CREATE|ALTER) ROLE (.+)$/.exec(line);
  if (role?.[1]) return firstIdentifier(role[1]) ?? "drop";
  // GRANT <role> TO <member> [WITH ADMIN OPTION] [GRANTED BY <grantor>];
  const grant = /^GRANT .+? TO (.+)$/.exec(line);
  if (grant?.[1]) return firstIdentifier(grant[1]) ?? "drop";
  return "drop";
}

/** Reads one SQL identifier (bare or "quoted") at the start of `text`. */
export function firstIdentifier(text: string): string | undefined {
  if (text.startsWith('"')) {
    let name = "";
    for (let i = 1; i < text.length; i++) {
      if (text[i] === '"') {
        if (text[i + 1] === '"') {
          name += '"';
          i++;
        } else return name;
      } else name += text[i];
    }
    return undefined;
  }
  return /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text)?.[0]?.toLowerCase();
}
