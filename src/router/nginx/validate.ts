import { isIP } from "node:net";
import { configError } from "./errors.js";
import { quoteText } from "./syntax.js";

/**
 * Checks of the route model's strings and numbers against what nginx can take. Values that go into
 * nginx.conf unquoted (names, paths in `location`, addresses) must match these; each failure is an
 * `E_NGINX_CONFIG` naming the key path.
 */

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** `Shop.Example.com.` → `shop.example.com`; letters, digits, `-`, `_` and dots only (IDNs as `xn--`). */
export function hostName(value: string, path: string): string {
  const name = value.trim().toLowerCase().replace(/\.$/, "");
  if (name.length > 253 || !name.split(".").every((label) => LABEL.test(label)))
    throw configError(
      path,
      `"${value}" is not a host name nginx can match`,
      "use letters, digits, '-' and dots; write international names in punycode (xn--…)",
    );
  return name;
}

/** A certificate's name: a host name or a wildcard `*.example.com` (which covers one label). */
export function certificateName(value: string, path: string): string {
  return value.startsWith("*.") ? `*.${hostName(value.slice(2), path)}` : hostName(value, path);
}

/**
 * A route path prefix as nginx matches it (against the decoded, normalized URI): `/` and segments of
 * letters, digits and `._~@:+,-`; no `%`, `//`, `.` or `..` segments, which nginx would never see.
 */
export function pathPrefix(value: string, path: string): string {
  const prefix = value === "" ? "/" : value;
  const segments = prefix.split("/").slice(1, prefix.endsWith("/") ? -1 : undefined);
  if (
    !/^\/[A-Za-z0-9._~@:+,/-]*$/.test(prefix) ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..")
  )
    throw configError(
      path,
      `path prefix "${value}" cannot be matched by nginx`,
      "start with / and use letters, digits and ._~@:+,- between single slashes (no %-escapes)",
    );
  return prefix;
}

/** An absolute file or directory path. */
export function absolutePath(value: string, path: string): string {
  if (!value.startsWith("/")) throw configError(path, `"${value}" is not an absolute path`);
  return value;
}

function port(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw configError(path, `port ${value} is not between 1 and 65535`);
  return value;
}

/** `host:port` for `listen` and `server`: IPv6 in brackets, host names checked. */
export function socketAddress(host: string, portNumber: number, path: string): string {
  const checkedPort = port(portNumber, `${path}.port`);
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) === 6) return `[${bare}]:${checkedPort}`;
  if (isIP(bare) === 4) return `${bare}:${checkedPort}`;
  return `${hostName(host, `${path}.host`)}:${checkedPort}`;
}

/** A trusted proxy: an address or a network (`10.0.0.0/8`, `fd00::/8`). */
export function addressOrNetwork(value: string, path: string): string {
  const [address = "", bits, extra] = value.split("/");
  const family = isIP(address);
  const maxBits = family === 6 ? 128 : 32;
  const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
  if (family === 0 || !bitsOk || extra !== undefined)
    throw configError(path, `"${value}" is not an IP address or network`, "write 10.0.0.5 or 10.0.0.0/8");
  return value;
}

/** A quoted response header value: one line. */
export function headerValue(value: string, path: string): string {
  if (/[\r\n]/.test(value)) throw configError(path, "a header value cannot contain a line break");
  return quoteText(value, path);
}

/** ACME HTTP-01 tokens and key authorizations are base64url (RFC 8555 §8.1, §8.3). */
export function acmeToken(value: string, path: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw configError(path, `ACME token "${value}" is not base64url`);
  return value;
}

export function keyAuthorization(value: string, path: string): string {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value))
    throw configError(path, "an ACME key authorization is `token.thumbprint` in base64url");
  return value;
}

/** A finite number at least `min`. */
export function atLeast(value: number, min: number, path: string): number {
  if (!Number.isFinite(value) || value < min) throw configError(path, `${value} is not a number ≥ ${min}`);
  return value;
}
