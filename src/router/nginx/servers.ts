import type { RouterConfig } from "../model.js";
import { renderLocations } from "./locations.js";
import { requestShapeChecks } from "./request-shape.js";
import { block, quoteLiteral } from "./syntax.js";
import { absolutePath, socketAddress } from "./validate.js";
import type { VirtualHost } from "./vhosts.js";

/** The TLS lines of an HTTPS server: its certificate, or a refused handshake when none covers it. */
function tlsLines(host: VirtualHost, config: RouterConfig): string[] {
  const certificate = host.certificate;
  if (!certificate) return ["ssl_reject_handshake on;"];
  const index = config.tls.certificates.indexOf(certificate);
  const path = `tls.certificates[${index}]`;
  return [
    `ssl_certificate ${quoteLiteral(absolutePath(certificate.certFile, `${path}.certFile`), `${path}.certFile`)};`,
    `ssl_certificate_key ${quoteLiteral(absolutePath(certificate.keyFile, `${path}.keyFile`), `${path}.keyFile`)};`,
  ];
}

/** One `server` block; the first host of a list (no names) is the default server of its port. */
export function renderServer(host: VirtualHost, config: RouterConfig, https: boolean): string[] {
  const address = https && config.https ? config.https : config.http;
  const listen = socketAddress(address.host, address.port, https ? "https" : "http");
  const isDefault = host.names.length === 0;
  return block("server", [
    `listen ${listen}${https ? " ssl" : ""}${isDefault ? " default_server" : ""};`,
    `server_name ${isDefault ? '""' : host.names.join(" ")};`,
    https && tlsLines(host, config),
    ...requestShapeChecks(),
    "error_page 429 @slipway_rate_limited;",
    ...renderLocations(host, config, https),
  ]);
}
