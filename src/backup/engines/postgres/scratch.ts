import { idSuffix } from "../../ids.js";
import { truncateBytes } from "./connection.js";

/** A database name derived from `database` for one backup (`app_verify_20250102t030000z_9f3a1c`), within 63 bytes. */
export function scratchDatabaseName(
  database: string,
  purpose: "restore" | "verify" | "pre",
  id: string,
): string {
  const suffix = `_${purpose}_${idSuffix(id)}`;
  return `${truncateBytes(database, 63 - suffix.length)}${suffix}`;
}

/** A database to connect to while `database` is created, renamed or dropped. */
export function maintenanceDatabase(database: string): string {
  return database === "postgres" ? "template1" : "postgres";
}
