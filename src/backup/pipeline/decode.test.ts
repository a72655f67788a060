import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { openedOnRead } from "./decode.js";

describe("openedOnRead: an input handed over before the backup's check passed", () => {
  it("opens nothing until it is read, then yields the source's bytes", async () => {
    let opened = 0;
    const input = openedOnRead(async () => {
      opened++;
      return Readable.from([Buffer.from("ab"), Buffer.from("c")]);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(0);
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("abc");
    expect(opened).toBe(1);
  });

  it("fails with the check's error on its first read, and opens nothing when destroyed unread", async () => {
    const failing = openedOnRead(async () => {
      throw Object.assign(new Error("checksum"), { code: "E_BACKUP_CHECKSUM" });
    });
    await expect(failing[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: "E_BACKUP_CHECKSUM" });
    let opened = false;
    const unread = openedOnRead(async () => {
      opened = true;
      return Readable.from([]);
    });
    unread.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(false);
  });
});
