import type { ErrorCatalogue } from "../errors.js";

/** Codes of the agent daemon and its API. */
export const AGENT_ERRORS = {
  E_AGENT_RUNNING: "another agent already runs for this SLIPWAY_HOME",
  E_AGENT_START: "the agent did not start (its log says why)",
  E_AGENT_UNREACHABLE: "the agent's socket does not answer",
  E_AGENT_DISCONNECTED: "the agent stopped answering in the middle of a command",
  E_AGENT_INTERNAL: "the agent met an error it did not expect",
  E_API_NOT_FOUND: "the API has no such route (a CLI and an agent of different builds)",
  E_API_BAD_REQUEST: "an API call without what it needs",
  E_API_TOO_LARGE: "an API request body over the size limit",
  E_API_FORBIDDEN:
    "the caller is not root, the agent's user or a member of its socket group (peer credentials)",
  E_AGENT_PEER_CREDENTIALS: "the agent cannot read its callers' credentials (the native addon is not built)",
  E_AGENT_SOCKET_GROUP: "SLIPWAY_SOCKET_GROUP names a group this machine does not have",
  E_PROJECT_NOT_DEPLOYED: "the project has no active release",
  E_BACKUP_IDENTITY: "the age identity file for encrypted backups cannot be read",
  E_BACKUP_INTERNAL: "a backup failed with an error that had no code of its own",
  E_BACKUP_TARGET: "a restore destination (`--to`) that cannot be used",
  E_ROLLBACK_NO_BACKUP: "`rollback --restore-data` found no backup taken before the migrations",
  E_DASHBOARD_LISTEN: "the dashboard cannot listen on its address (not loopback, or taken)",
  E_DASHBOARD_LOGIN: "a dashboard login link that is unknown, already used or expired",
  E_DASHBOARD_SESSION: "a dashboard request without a valid session (log in again)",
  E_DASHBOARD_ORIGIN: "a dashboard action that did not come from the dashboard's own pages",
  E_DASHBOARD_UNCONFIRMED: "a dashboard action sent without the operator's confirmation",
  E_DASHBOARD_CLAIMED:
    "a deploy that publishes the dashboard while another deployed project already does (one project may)",
  E_DASHBOARD_HOST_TAKEN:
    "the dashboard's public host is a domain a service route serves too (or the reverse)",
  E_DASHBOARD_ASSETS: "the dashboard's pages are missing from this build (run `npm run build`)",
} as const satisfies ErrorCatalogue;
