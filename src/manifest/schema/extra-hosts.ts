import { z } from "zod";

/**
 * Splits one list entry of `extra_hosts` into host and address(es), as compose-go does: at the
 * first `=` if there is one (the preferred form, `host=::1`), else at the first `:` (`host:1.2.3.4`,
 * `host:[::1]`). Undefined when there is no host, no address, or the host holds `:` or `=`.
 */
export function splitExtraHost(entry: string): readonly [host: string, addresses: string] | undefined {
  const at = entry.includes("=") ? entry.indexOf("=") : entry.indexOf(":");
  const host = entry.slice(0, at);
  const addresses = entry.slice(at + 1);
  return at > 0 && addresses !== "" && !/[:=]/.test(host) ? [host, addresses] : undefined;
}

/** Addresses as the model keeps them: comma-separated, IPv6 brackets removed (`[::1]` → `::1`). */
function normalizeAddresses(addresses: string | readonly string[]): string {
  const list = typeof addresses === "string" ? addresses.split(",") : addresses;
  return list.map((address) => address.replace(/^\[(.*)\]$/, "$1")).join(",");
}

const HOST_RULE = "a host name is not empty and holds no ':' or '='";

/** `extra_hosts`: `HOST=IP` / `HOST:IP` entries or a mapping, normalized to `{ host: "ip[,ip…]" }`. */
export const extraHosts = z
  .union([z.record(z.string(), z.union([z.string(), z.array(z.string())])), z.array(z.string())])
  .transform((value, ctx): Record<string, string> => {
    const out: Record<string, string> = {};
    const add = (host: string, addresses: string | readonly string[]) => {
      // several addresses for one host (several entries, or `host=ip1,ip2`) are kept together
      const normalized = normalizeAddresses(addresses);
      out[host] = out[host] === undefined ? normalized : `${out[host]},${normalized}`;
    };
    if (!Array.isArray(value)) {
      for (const [host, addresses] of Object.entries(value)) {
        if (host === "" || /[:=]/.test(host))
          ctx.addIssue({
            code: "custom",
            path: [host],
            message: `"${host}" is not a host name; ${HOST_RULE}`,
          });
        else add(host, addresses);
      }
      return out;
    }
    value.forEach((entry, index) => {
      const split = splitExtraHost(entry);
      if (split) add(...split);
      else
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `"${entry}" is not a host entry; write it as HOST=IP or HOST:IP (${HOST_RULE})`,
        });
    });
    return out;
  });
