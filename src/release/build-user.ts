import { ensureSystemUser, type SystemUser } from "../host/system-user.js";
import { ReleaseError } from "./errors.js";

/** Default account builds run as when the agent is root. */
const DEFAULT_BUILD_USER = "slipway-build";

let made: SystemUser | undefined;

/**
 * Who a native build runs as: when the agent is root, the unprivileged `slipway-build` account
 * (`SLIPWAY_BUILD_USER` names another; `root` keeps builds as root, knowingly), made on first use
 * with its home in /var/lib (npm's cache lives there across builds). Undefined: as the agent itself.
 */
export function buildUser(env: NodeJS.ProcessEnv = process.env): SystemUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.SLIPWAY_BUILD_USER?.trim() || DEFAULT_BUILD_USER;
  if (name === "root") return undefined;
  if (made?.name === name) return made;
  try {
    made = ensureSystemUser(name, `/var/lib/${name}`);
    return made;
  } catch (error) {
    throw new ReleaseError(
      "E_BUILD_USER",
      `builds run as the unprivileged user ${name}, which cannot be made: ${(error as Error).message}`,
      "create it (useradd --system --user-group " +
        name +
        "), name another with SLIPWAY_BUILD_USER, or set SLIPWAY_BUILD_USER=root to build as root",
    );
  }
}
