/**
 * Where slipway and the official Compose JSON schema disagree on purpose, for
 * `src/manifest/schema-differential.test.ts`: each list is asserted exactly there.
 */

/**
 * Invalid fixtures the official schema accepts: slipway is deliberately stricter there
 * (value checks the schema leaves to the engine, slipway's own x-slipway extension, …), and
 * the rules compose-go's loader enforces beyond its schema (`checkConsistency`, exclusive fields).
 * Asserted exactly, so a change on either side shows up here.
 */
export const STRICTER_THAN_SCHEMA = [
  "bad-cron",
  "bad-duration",
  "bad-port-spec",
  "bad-restart",
  "bad-router-host",
  "bad-strategy",
  "bad-volume-mode",
  "bind-without-source",
  "canary-weight",
  "command-unclosed-brace",
  "container-name-replicas",
  "device-count-and-ids",
  "device-count-text",
  "dockerfile-and-inline",
  "extends-error",
  "extra-hosts-no-address",
  "healthcheck-not-cmd",
  "include-cycle",
  "include-error",
  "invalid-project-name",
  "long-port-published",
  "long-port-published-text",
  "network-external-labels",
  "network-mode-and-networks",
  "no-image",
  "override-error",
  "port-empty",
  "port-out-of-range",
  "port-zero",
  "replicas-lots",
  "route-path",
  "scale-disagrees",
  "scale-negative",
  "secret-external-name-conflict",
  "secret-grant-empty",
  "secret-mode-not-octal",
  "secret-no-source",
  "tmpfs-and-volume-target",
  "unknown-key-slipway",
  "volume-external-driver",
  "volume-external-name-conflict",
];

/**
 * Mutations the official schema rejects and slipway accepts: slipway reads numbers as strings
 * (`user: 5`, `version: 3`, `dns: 5`), numbers as seconds for durations, defaults
 * `depends_on.condition`.
 * Documented disagreements, asserted so they stay deliberate.
 */
export const LENIENT = new Set([
  "user: 5",
  "stop_grace_period: 5",
  "healthcheck.interval: 30",
  "tmpfs: 5",
  "dns: 5",
  "expose: [true]",
  "top-level version: 3",
  "depends_on: {self: {}} (no condition)",
  "secrets: [{source, uid: 1000}]",
]);
