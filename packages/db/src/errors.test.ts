import { describe, expect, it } from "vitest";
import { DbError } from "./errors.js";

describe("DbError", () => {
  it("is redacted: credentials never reach its message", () => {
    expect(new DbError("UNKNOWN", "at postgres://u:pw1234@h/db").message).toBe("at postgres://***@h/db");
  });
});
