import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { archivePrefix, readArchive } from "./archive.js";

/** `bytes` delivered in pieces of `size`, as a pipe delivers them. */
const pieces = (bytes: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    ),
  );

describe("the PostgreSQL archive framing", () => {
  const globals = Buffer.from("CREATE ROLE app;\nALTER ROLE app WITH LOGIN;\n");
  const dump = Buffer.from("PGDMP\u0001\u000e\u0000binary custom-format bytes".repeat(50));
  const archive = Buffer.concat([archivePrefix(globals), dump]);

  it.each([1, 7, 64, 100_000])(
    "splits globals and dump whatever the chunking (%i-byte pieces)",
    async (size) => {
      const read = await readArchive(pieces(archive, size));
      expect(read.globals.equals(globals)).toBe(true);
      expect((await buffer(read.dump)).equals(dump)).toBe(true);
    },
  );

  it("rejects what is not an archive, or is cut inside its header, with E_BACKUP_CORRUPT", async () => {
    for (const bad of [
      Buffer.from("PGDMP raw pg_dump output"),
      archive.subarray(0, 40),
      Buffer.from("slipway-postgres-archive 1\nglobals x\n"),
    ]) {
      await expect(readArchive(pieces(bad, 5))).rejects.toMatchObject({ code: "E_BACKUP_CORRUPT" });
    }
  });
});
