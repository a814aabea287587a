import { describe, expect, it } from "vitest";
import { DbError, redactSecrets } from "./errors.js";

describe("redactSecrets", () => {
  it("masks the password of any URL in the text", () => {
    expect(redactSecrets("connect postgresql://kmcp:hunter22@db:5432/x failed")).toBe(
      "connect postgresql://kmcp:***@db:5432/x failed",
    );
  });
  it("masks given secrets wherever they appear", () => {
    expect(redactSecrets('password "hunter22" rejected', ["hunter22"])).toBe('password "***" rejected');
  });
  it("leaves text without credentials alone", () => {
    expect(redactSecrets("https://example.com/a@b")).toBe("https://example.com/a@b");
  });
  it("is applied to every DbError message", () => {
    expect(new DbError("UNKNOWN", "at postgres://u:pw1234@h/db").message).toBe("at postgres://u:***@h/db");
  });
});
