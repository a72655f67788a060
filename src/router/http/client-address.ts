import { BlockList, isIP } from "node:net";

/** `::ffff:10.0.0.1` → `10.0.0.1`, so IPv4 clients of a dual-stack socket compare as IPv4. */
export function plainAddress(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The `trustedProxies` of a config: addresses (`10.0.0.5`) and networks (`10.0.0.0/8`, `fd00::/8`). */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = "", bits] = entry.split("/");
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (isIP(address) === 0) continue; // the config schema rejects these; never trust a typo
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(bits), family);
    }
  }

  trusts(address: string): boolean {
    if (this.empty) return false;
    const plain = plainAddress(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? "ipv6" : "ipv4");
  }
}

/**
 * The address a request came from: the peer, or, when the peer is a trusted proxy, the nearest
 * address in `X-Forwarded-For` that is not itself a trusted proxy.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  if (!forwardedFor || !trusted.trusts(peer)) return peer;
  const hops = forwardedFor
    .split(",")
    .map((hop) => plainAddress(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let index = hops.length - 1; index >= 0; index--)
    if (!trusted.trusts(hops[index]!)) return hops[index]!;
  return hops[0] ?? peer;
}
