import { describe, expect, it } from "vitest";
import { DbError } from "./errors.js";
import { classifyError, reasonLine, translateError } from "./translate-error.js";

describe("classifyError", () => {
  it.each([
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }), "UNREACHABLE"],
    ["an adapter error", { name: "DriverAdapterError", message: "x", cause: { kind: "DatabaseNotReachable" } }, "UNREACHABLE"],
    ["a dead pooled client (pg gives no code)", new Error("Client has encountered a connection error and is not queryable"), "UNREACHABLE"],
    ["a COMMIT lost with its connection (Prisma hides it)", new Error("Transaction API error: A rollback cannot be executed on a committed transaction"), "UNREACHABLE"],
    ["a server shutting down", Object.assign(new Error("terminating connection"), { code: "57P01" }), "UNREACHABLE"],
    ["a timeout", Object.assign(new Error("x"), { code: "ETIMEDOUT" }), "TIMEOUT"],
    ["a pool whose connections all stayed busy", new Error("timeout exceeded when trying to connect"), "TIMEOUT"],
    ["bad credentials", { message: "x", cause: { kind: "AuthenticationFailed" } }, "UNKNOWN"],
    ["a missing table", { message: "x", code: "P2021" }, "MIGRATION"],
    ["a unique violation", { message: "x", code: "P2002" }, "CONFLICT"],
    ["anything else", new Error("boom"), "UNKNOWN"],
  ])("classifies %s", (_what, error, code) => {
    expect(classifyError(error).code).toBe(code);
  });

  it("scrubs the password from the message, the cause and its stack", () => {
    const translated = translateError(new Error("login for postgresql://u:hunter22@h/db failed: hunter22"), "connect", ["hunter22"]);
    expect(translated).toBeInstanceOf(DbError);
    for (const text of [translated.message, (translated.cause as Error).message, String((translated.cause as Error).stack)]) {
      expect(text).not.toContain("hunter22");
    }
  });
});

describe("reasonLine", () => {
  it("takes the first line of an ordinary message", () => {
    expect(reasonLine("relation does not exist\nat line 2\nat line 3")).toBe("relation does not exist");
  });
  it("takes the reason after Prisma's invocation excerpt", () => {
    expect(reasonLine("\nInvalid `prisma.source.create()` invocation:\n\n  code excerpt\n\nValue too long for the column")).toBe(
      "Value too long for the column",
    );
  });
});
