import type { ErrorCatalogue } from "../errors.js";

/** Codes of the router stage: the builtin router, the nginx driver, TLS and ACME, router control. */
export const ROUTER_ERRORS = {
  E_ROUTER_CONFIG: "a route table the builtin router cannot serve (it keeps serving the previous one)",
  E_ROUTER_LISTEN: "the router cannot listen on its port",
  E_ROUTER_TLS: "the router cannot use a route's certificate",
  E_ROUTER_ADMIN: "an admin call to the builtin router failed",
  E_ROUTER_ADMIN_UNREACHABLE: "the builtin router's admin socket does not answer",
  E_ROUTER_INTERNAL: "the builtin router met an error it did not expect",
  E_PROXY_BIND:
    "the service proxy cannot listen on a service address or published port (the holder's PID is named when it can be found)",
  E_ROUTER_PORT_CONFLICT: "the router's port is a port a service listens on or publishes",
  E_NGINX_CONFIG: "a route value nginx cannot take (a domain, path, token …); nothing was written",
  E_NGINX_CONFIG_INVALID:
    "`nginx -t` or the reload refused the generated config; the previous one keeps serving",
  E_NGINX_MISSING: "nginx is not installed",
  E_NGINX_STREAM_MISSING: "a TCP route needs nginx's stream module, which this nginx lacks",
  E_NGINX_START: "nginx did not start",
  E_NGINX_RELOAD: "nginx did not reload",
  E_NGINX_STOP: "nginx did not stop",
  E_TLS_DOMAINS: "a certificate for domains that cannot have one",
  E_TLS_FILES: "the certificate or key files given cannot be read or do not match",
  E_TLS_STATE: "the stored certificates cannot be read or written",
  E_ACME_ACCOUNT: "the ACME account could not be made",
  E_ACME_ORDER: "the ACME order was refused",
  E_ACME_CHALLENGE: "the HTTP-01 challenge failed",
  E_ACME_FINALIZE: "the ACME order could not be finalized",
  E_ACME_CERTIFICATE: "the issued certificate could not be downloaded",
} as const satisfies ErrorCatalogue;

export type RouterStageErrorCode = keyof typeof ROUTER_ERRORS;
