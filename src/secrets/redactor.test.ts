import { describe, expect, it } from "vitest";
import { SecretRedactor } from "./redactor.js";
import { tempSecretStore } from "./test-support.js";

describe("SecretRedactor", () => {
  it("hides every version of every project's secrets, and leaves short values alone", async () => {
    const { store } = tempSecretStore();
    await store.set("shop", "token", "tok-one-123");
    await store.set("shop", "token", "tok-two-456");
    await store.set("blog", "pw", 'pa"ss\nword');
    await store.set("blog", "pin", "1234");
    const redactor = new SecretRedactor(store);
    await redactor.refresh();
    expect(redactor.redact("old tok-one-123, new tok-two-456, pin 1234")).toBe(
      "old [redacted], new [redacted], pin 1234",
    );
    // The JSON-escaped form too (events travel as JSON lines).
    expect(redactor.redact(JSON.stringify({ m: 'pa"ss\nword' }))).toBe('{"m":"[redacted]"}');
  });
});
