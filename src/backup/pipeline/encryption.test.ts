import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptedStream, encryptor } from "./encryption.js";

const CHUNK = 64 * 1024;
const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17];

async function encrypt(plain: Buffer, recipients: string[], pieces = 7): Promise<Buffer> {
  const step = Math.max(1, Math.ceil(plain.length / pieces));
  const parts = Array.from({ length: Math.ceil(plain.length / step) }, (_, i) =>
    plain.subarray(i * step, (i + 1) * step),
  );
  return buffer(Readable.from(parts).pipe(await encryptor(recipients)));
}

async function decrypt(sealed: Buffer, identities: string[]): Promise<Buffer> {
  return buffer(await decryptedStream(Readable.from([sealed]), identities, "the test file"));
}

describe("age encryption", () => {
  let identity: string;
  let recipient: string;
  beforeAll(async () => {
    identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
  }, 120_000);

  it.each(sizes)("round-trips %i bytes and the age-encryption library reads what we write", async (size) => {
    const plain = randomBytes(size);
    const sealed = await encrypt(plain, [recipient]);
    expect((await decrypt(sealed, [identity])).equals(plain)).toBe(true);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    expect(Buffer.from(await decrypter.decrypt(new Uint8Array(sealed))).equals(plain)).toBe(true);
  });

  it.each(sizes)("reads %i bytes that the age-encryption library wrote", async (size) => {
    const plain = randomBytes(size);
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const sealed = Buffer.from(await encrypter.encrypt(new Uint8Array(plain)));
    expect((await decrypt(sealed, [identity])).equals(plain)).toBe(true);
  });

  it("decrypts with any one of several recipients' identities", async () => {
    const other = await generateX25519Identity();
    const sealed = await encrypt(randomBytes(1000), [recipient, await identityToRecipient(other)]);
    expect((await decrypt(sealed, [other])).length).toBe(1000);
  });

  it("refuses an identity the file was not encrypted to with E_BACKUP_DECRYPT", async () => {
    const sealed = await encrypt(randomBytes(1000), [recipient]);
    const stranger = await generateX25519Identity();
    await expect(decrypt(sealed, [stranger])).rejects.toMatchObject({ code: "E_BACKUP_DECRYPT" });
    await expect(decrypt(sealed, [])).rejects.toMatchObject({ code: "E_BACKUP_DECRYPT" });
  });

  it("rejects a malformed recipient or identity with E_BACKUP_CONFIG", async () => {
    await expect(encryptor(["age1notakey"])).rejects.toMatchObject({ code: "E_BACKUP_CONFIG" });
    const sealed = await encrypt(randomBytes(10), [recipient]);
    await expect(decrypt(sealed, ["AGE-SECRET-KEY-1XYZ"])).rejects.toMatchObject({ code: "E_BACKUP_CONFIG" });
  });

  it("detects a flipped byte, a truncated payload and a cut at a chunk boundary with E_BACKUP_CORRUPT", async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK), [recipient]);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 100] = (flipped[flipped.length - 100] ?? 0) ^ 1;
    await expect(decrypt(flipped, [identity])).rejects.toMatchObject({ code: "E_BACKUP_CORRUPT" });
    await expect(decrypt(sealed.subarray(0, sealed.length - 5), [identity])).rejects.toMatchObject({
      code: "E_BACKUP_CORRUPT",
    });
    const headerAndNonce = sealed.length - (3 * CHUNK + 3 * 16);
    const atBoundary = sealed.subarray(0, headerAndNonce + 2 * (CHUNK + 16));
    await expect(decrypt(atBoundary, [identity])).rejects.toMatchObject({ code: "E_BACKUP_CORRUPT" });
    await expect(decrypt(Buffer.from("not age at all"), [identity])).rejects.toMatchObject({
      code: "E_BACKUP_CORRUPT",
    });
  });
});
