import type { RouterConfig } from "../model.js";

/** Where maintenance mode is kept in state (`getMeta`/`setMeta`), so it survives agent restarts. */
export const MAINTENANCE_KEY = "router.maintenance";

/** How `slipway maintenance on` asks for it. */
export interface MaintenanceMode {
  readonly retryAfterSeconds: number;
  readonly message: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page every HTTP route answers during maintenance. */
function maintenancePage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>Down for maintenance</h1><p>${escapeHtml(message)}</p></body></html>
`;
}

/** The stored form of a mode ("" when off). */
export function storedMaintenance(mode: MaintenanceMode | undefined): string {
  return mode
    ? JSON.stringify({ retryAfterSeconds: mode.retryAfterSeconds, html: maintenancePage(mode.message) })
    : "";
}

/** The route table's maintenance setting from its stored form. */
export function maintenanceOf(stored: string | undefined): RouterConfig["maintenance"] {
  return stored ? (JSON.parse(stored) as RouterConfig["maintenance"]) : undefined;
}
