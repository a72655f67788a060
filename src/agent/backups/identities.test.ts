import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity } from "age-encryption";
import { afterAll, describe, expect, it } from "vitest";
import { IDENTITY_ENV, parseIdentities, readIdentities } from "./identities.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("age identity files", () => {
  it("reads the keys of an age-keygen file, skipping comments, from --identity or the environment", async () => {
    const key = await generateX25519Identity();
    const file = join(dir, "key.txt");
    writeFileSync(file, `# created: 2025-01-01\n# public key: age1…\n${key}\n`);
    expect(readIdentities(file, {})).toEqual([key]);
    expect(readIdentities(undefined, { [IDENTITY_ENV]: file })).toEqual([key]);
    expect(readIdentities(undefined, {})).toEqual([]);
  });

  it("refuses a missing file or one that holds no key, with E_BACKUP_IDENTITY", () => {
    expect(() => readIdentities(join(dir, "missing.txt"), {})).toThrow(
      expect.objectContaining({ code: "E_BACKUP_IDENTITY" }),
    );
    expect(() => parseIdentities("age1qqqq\n", "pub.txt")).toThrow(
      expect.objectContaining({ code: "E_BACKUP_IDENTITY" }),
    );
    expect(() => parseIdentities("# nothing\n", "empty.txt")).toThrow(/holds no key/);
  });
});
