import { createHash } from "node:crypto";

/**
 * Each service of a project gets its own loopback address (127.X.Y.Z; the whole 127/8 range reaches
 * the loopback interface on Linux without any setup), so `db:5432` and `cache:5432` never collide
 * and several projects can run on one machine. X.Y comes from the home and the project name (two
 * homes deploying a project of the same name must not collide), Z from the service.
 */
export type ServiceAddresses = Readonly<Record<string, string>>;

/** Keeps earlier assignments (addresses must not move while instances use them) and adds new services. */
export function assignAddresses(
  owner: { readonly home: string; readonly project: string },
  services: readonly string[],
  previous: ServiceAddresses = {},
): ServiceAddresses {
  const { home, project } = owner;
  const digest = createHash("sha256").update(`${home}\0${project}`).digest();
  // 127.0.0.0/16 is left alone (127.0.0.1 is "localhost" for everyone).
  const second = 1 + (digest[0]! % 254);
  const third = digest[1]! % 256;
  const used = new Set(Object.values(previous));
  const out: Record<string, string> = {};
  for (const [service, address] of Object.entries(previous)) {
    if (services.includes(service)) out[service] = address;
  }
  let next = 2;
  for (const service of [...services].sort()) {
    if (out[service]) continue;
    while (used.has(`127.${second}.${third}.${next}`)) next++;
    if (next > 254) throw new Error(`project ${project} has more than 253 services`);
    out[service] = `127.${second}.${third}.${next}`;
    used.add(out[service]);
  }
  return out;
}

/** The hosts file instances see as /etc/hosts: localhost, the machine's own name, and every service. */
export function renderHostsFile(addresses: ServiceAddresses, hostname: string): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    `127.0.1.1\t${hostname}`,
  ];
  for (const [service, address] of Object.entries(addresses).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`${address}\t${service}`);
  }
  return `${lines.join("\n")}\n`;
}
