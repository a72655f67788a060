import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A one-time login link is good for this long. */
const LOGIN_MS = 15 * 60_000;
/** A dashboard session (its cookie) lasts this long. */
const SESSION_MS = 12 * 3_600_000;

interface Grant {
  /** SHA-256 of the token, hex: the token itself is never stored. */
  readonly hash: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** `$SLIPWAY_HOME/dashboard.json` (0600): hashes of unused login tokens and of open sessions. */
interface AccessFile {
  readonly logins: readonly Grant[];
  readonly sessions: readonly Grant[];
}

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Who may use the dashboard: `slipway dashboard` makes a login token that works once; redeeming it
 * opens a session whose token lives in an HttpOnly cookie. Only SHA-256 hashes are stored, by rename,
 * mode 0600; tokens are 32 random bytes, so a plain hash is enough (nothing to guess).
 */
export class DashboardAccess {
  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  private read(): AccessFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as Partial<AccessFile>;
      const live = (grants: readonly Grant[] | undefined) =>
        (grants ?? []).filter((g) => g.expiresAt > this.now());
      return { logins: live(parsed.logins), sessions: live(parsed.sessions) };
    } catch {
      return { logins: [], sessions: [] };
    }
  }

  private write(access: AccessFile): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(access, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  /** A new one-time login token (only its hash is kept). */
  createLogin(): string {
    const token = randomBytes(32).toString("base64url");
    const access = this.read();
    this.write({
      ...access,
      logins: [...access.logins, { hash: hashOf(token), expiresAt: this.now() + LOGIN_MS }],
    });
    return token;
  }

  /** Trades a login token for a session token; undefined when it is unknown, used or expired. */
  redeemLogin(token: string): string | undefined {
    const access = this.read();
    const hash = hashOf(token);
    if (!access.logins.some((g) => g.hash === hash)) return undefined;
    const session = randomBytes(32).toString("base64url");
    this.write({
      logins: access.logins.filter((g) => g.hash !== hash),
      sessions: [...access.sessions, { hash: hashOf(session), expiresAt: this.now() + SESSION_MS }],
    });
    return session;
  }

  hasSession(token: string | undefined): boolean {
    if (!token) return false;
    const hash = hashOf(token);
    return this.read().sessions.some((g) => g.hash === hash);
  }

  endSession(token: string): void {
    const access = this.read();
    const hash = hashOf(token);
    this.write({ ...access, sessions: access.sessions.filter((g) => g.hash !== hash) });
  }
}
