import { describe, expect, it } from "vitest";
import { confirmOrRefuse } from "./confirm.js";

describe("confirmation before replacing data", () => {
  it("goes ahead with --yes", async () => {
    await expect(confirmOrRefuse("replace the data?", true)).resolves.toBeUndefined();
  });

  it("refuses without --yes when there is no terminal to ask on", async () => {
    // The test runner's stdin is not a terminal.
    await expect(confirmOrRefuse("replace the data?", false)).rejects.toMatchObject({
      code: "E_CONFIRMATION_REQUIRED",
    });
  });
});
