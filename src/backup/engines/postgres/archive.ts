import { Readable } from "node:stream";
import { BackupError } from "../../errors.js";

/**
 * The raw form of a PostgreSQL backup: the roles (pg_dumpall --globals-only, small, SQL) followed by
 * the database (pg_dump custom format, streamed):
 *
 *     slipway-postgres-archive 1\n
 *     globals <byte length>\n
 *     <that many bytes of SQL>
 *     database\n
 *     <pg_dump -Fc bytes up to the end>
 *
 * By hand: `tail -c +N file | pg_restore`, with N one past the `database` line.
 */
const MAGIC = "slipway-postgres-archive 1\n";
const MAX_GLOBALS = 64 * 1024 * 1024;

/** Everything that precedes the pg_dump bytes. */
export function archivePrefix(globals: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${MAGIC}globals ${globals.length}\n`),
    globals,
    Buffer.from("database\n"),
  ]);
}

/** Splits an archive stream into its globals SQL and the pg_dump stream that follows. */
export async function readArchive(input: Readable): Promise<{ globals: Buffer; dump: Readable }> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const corrupt = (why: string) =>
    new BackupError("E_BACKUP_CORRUPT", `the PostgreSQL archive is damaged: ${why}`);
  let head = Buffer.alloc(0);
  const need = async (bytes: number) => {
    while (head.length < bytes) {
      const next = await chunks.next();
      if (next.done) throw corrupt("it ends too early");
      head = Buffer.concat([head, next.value]);
    }
  };
  try {
    await need(MAGIC.length);
    if (head.subarray(0, MAGIC.length).toString() !== MAGIC)
      throw corrupt("it does not start with its header");
    let lineEnd = head.indexOf(0x0a, MAGIC.length);
    while (lineEnd < 0 && head.length < 256) {
      await need(head.length + 1);
      lineEnd = head.indexOf(0x0a, MAGIC.length);
    }
    if (lineEnd < 0) throw corrupt("its globals header is wrong");
    const sizeLine = /^globals (\d+)$/.exec(head.subarray(MAGIC.length, lineEnd).toString());
    const size = Number(sizeLine?.[1] ?? Number.NaN);
    if (!sizeLine || size > MAX_GLOBALS) throw corrupt("its globals header is wrong");
    const globalsStart = lineEnd + 1;
    const dumpStart = globalsStart + size + "database\n".length;
    await need(dumpStart);
    if (head.subarray(globalsStart + size, dumpStart).toString() !== "database\n") {
      throw corrupt("the database section is missing");
    }
    const globals = Buffer.from(head.subarray(globalsStart, globalsStart + size));
    const dump = Readable.from(rest(head.subarray(dumpStart), chunks), {
      objectMode: false,
      highWaterMark: 1024 * 1024,
    });
    return { globals, dump };
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
}

async function* rest(first: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) yield first;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    await chunks.return?.();
  }
}
