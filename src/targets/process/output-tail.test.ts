import { describe, expect, it } from "vitest";
import { OutputTail } from "./output-tail.js";

describe("OutputTail", () => {
  it("keeps everything below the limit and only the last bytes above it", () => {
    const tail = new OutputTail(10);
    tail.append(Buffer.from("hello "));
    expect(tail.toString()).toBe("hello ");
    for (const word of ["big ", "wide ", "world"]) tail.append(Buffer.from(word));
    expect(tail.toString()).toBe("wide world");
  });
});
