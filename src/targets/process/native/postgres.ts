import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SlipwayError } from "../../../errors.js";
import { findBinary } from "../../../host/binaries.js";
import { readRegularFile } from "../../../host/read-regular-file.js";
import type { NativeRunner } from "./runner.js";

const INSTALL_HINT =
  "install PostgreSQL (apt-get install postgresql) or deploy this service with the docker target";
const DATA_TARGET = "/var/lib/postgresql/data";

function postgresUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { name: "postgres", uid, gid };
  } catch {
    throw new SlipwayError({
      code: "E_NATIVE_CONFIG",
      message: "PostgreSQL refuses to run as root and there is no `postgres` user",
      hint: INSTALL_HINT,
    });
  }
}

/**
 * PostgreSQL from the machine's own binaries, with the official image's environment contract:
 * POSTGRES_USER (default postgres), POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE (a Compose secret; one of
 * them required unless POSTGRES_HOST_AUTH_METHOD=trust),
 * POSTGRES_DB (default the user), data in the volume mounted at /var/lib/postgresql/data (or PGDATA).
 */
export const runPostgres: NativeRunner = (service, context) => {
  const env = service.environment;
  const superuser = env.POSTGRES_USER ?? "postgres";
  const passwordFile = env.POSTGRES_PASSWORD_FILE ?? undefined;
  // As the image's `file_env`: the file's content, without trailing newlines; read when initdb needs it.
  const password = () =>
    env.POSTGRES_PASSWORD ??
    (passwordFile ? readRegularFile(passwordFile, 64 * 1024).replace(/\n+$/, "") : undefined);
  const trust = env.POSTGRES_HOST_AUTH_METHOD === "trust";
  if (!env.POSTGRES_PASSWORD && !passwordFile && !trust) {
    throw new SlipwayError({
      code: "E_NATIVE_CONFIG",
      message: `service ${service.name}: POSTGRES_PASSWORD is not set (the postgres image refuses to start without it)`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose syntax shown to the user
      hint: "set POSTGRES_PASSWORD (from a variable: ${DB_PASSWORD}) or POSTGRES_HOST_AUTH_METHOD: trust",
    });
  }
  const dataTarget = env.PGDATA ?? DATA_TARGET;
  const dataDir =
    context.volumeDirs[dataTarget] ?? context.volumeDirs[DATA_TARGET] ?? join(context.runDir, "data");
  const socketDir = join(context.runDir, "socket");
  const user = postgresUser();
  const database = env.POSTGRES_DB ?? superuser;
  const asUser = { ...(user ? { uid: user.uid, gid: user.gid } : {}), stdio: "pipe" as const };

  const prepare = async () => {
    for (const dir of [dataDir, socketDir]) {
      // Parents stay traversable for the postgres user; the directory itself is private to it.
      mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (user) chownSync(dir, user.uid, user.gid);
    }
    if (existsSync(join(dataDir, "PG_VERSION"))) return;
    const pwfile = join(dirname(socketDir), "initdb.pw");
    writeFileSync(pwfile, password() ?? "", { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      execFileSync(
        findBinary("initdb", INSTALL_HINT),
        [
          "-D",
          dataDir,
          "-U",
          superuser,
          `--pwfile=${pwfile}`,
          "--auth-local=trust",
          `--auth-host=${trust ? "trust" : "scram-sha-256"}`,
          "-E",
          "UTF8",
        ],
        asUser,
      );
      if (database !== "postgres") {
        execFileSync(findBinary("postgres", INSTALL_HINT), ["--single", "-D", dataDir, "-j", "postgres"], {
          ...asUser,
          input: `CREATE DATABASE "${database.replaceAll('"', '""')}" OWNER "${superuser.replaceAll('"', '""')}";\n`,
        });
      }
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message);
      throw new SlipwayError({
        code: "E_NATIVE_PREPARE",
        message: `initializing PostgreSQL for ${service.name} in ${dataDir} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
        hint: "check that the data directory is empty or a valid PostgreSQL data directory",
      });
    } finally {
      rmSync(pwfile, { force: true });
    }
  };

  return {
    command: [
      findBinary("postgres", INSTALL_HINT),
      "-D",
      dataDir,
      "-p",
      String(context.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${socketDir}`,
    ],
    cwd: dataDir,
    env: { PGDATA: dataDir },
    user: user?.name,
    prepare,
    probeEnv: { PGHOST: "127.0.0.1", PGPORT: String(context.port), PGUSER: superuser, PGDATABASE: database },
  };
};
