import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CoreError, isKmcpError, KmcpError } from "./errors.js";
import { formatIssues, inputParser, parseInput } from "./parse-input.js";

class OwnError extends KmcpError<"VALIDATION"> {
  override readonly name = "OwnError";
}

describe("parseInput", () => {
  const schema = z.strictObject({ title: z.string().max(3, "must be at most 3 characters"), n: z.number() });

  it("returns the parsed value", () => {
    expect(parseInput(schema, { title: "abc", n: 1 }, "thing")).toEqual({ title: "abc", n: 1 });
  });

  it("names every bad field in one line, never the value", () => {
    let caught: unknown;
    try {
      parseInput(schema, { title: "secret-value", n: "x" }, "thing");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe("VALIDATION");
    expect((caught as Error).message).toMatch(/^Invalid thing: title: must be at most 3 characters; n: /);
    expect((caught as Error).message).not.toContain("secret-value");
    expect((caught as CoreError).data).toMatchObject({ issues: [{ path: ["title"] }, { path: ["n"] }] });
  });

  it("throws the package's own error when bound with inputParser", () => {
    const parse = inputParser((message, data) => new OwnError("VALIDATION", message, { data }));
    let caught: unknown;
    try {
      parse(schema, {}, "thing");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OwnError);
    expect(isKmcpError(caught, "VALIDATION")).toBe(true);
  });

  it("shows at most ten issues and counts the rest", () => {
    const many = z.strictObject(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, z.string()])));
    const result = many.safeParse({});
    expect(result.success).toBe(false);
    if (!result.success) expect(formatIssues(result.error)).toMatch(/f9: .*\(and 2 more\)$/);
  });
});

describe("KmcpError", () => {
  it("keeps code, data and native cause, and redacts URL credentials from its message", () => {
    const cause = new Error("root");
    const error = new OwnError("VALIDATION", "at postgres://u:pw1234@h/db", { cause, data: { a: 1 } });
    expect(error.message).toBe("at postgres://***@h/db");
    expect(error.cause).toBe(cause);
    expect(error.data).toEqual({ a: 1 });
    expect(error.name).toBe("OwnError");
  });
});
