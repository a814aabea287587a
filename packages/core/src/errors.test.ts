import { describe, expect, it, vi } from "vitest";
import { CoreError, isKmcpError } from "./errors.js";

describe("isKmcpError", () => {
  it("knows kmcp errors by their code, and nothing else", () => {
    const error = new CoreError("VALIDATION", "bad");
    expect(isKmcpError(error)).toBe(true);
    expect(isKmcpError(error, "VALIDATION")).toBe(true);
    expect(isKmcpError(error, "NOT_FOUND")).toBe(false);
    expect(isKmcpError(Object.assign(new Error("plain"), { code: "VALIDATION" }))).toBe(false);
    expect(isKmcpError({ code: "VALIDATION", message: "not an Error" })).toBe(false);
  });

  it("knows an error made by another copy of @kmcp/core (its class is not this copy's KmcpError)", async () => {
    // A second instance of the module, as a bundled program loads beside the installed package.
    vi.resetModules();
    const other = await import("./errors.js");
    const error = new other.CoreError("VALIDATION", "from the other copy");
    expect(error).not.toBeInstanceOf(CoreError);
    expect(isKmcpError(error, "VALIDATION")).toBe(true);
    expect(isKmcpError(error, "NOT_FOUND")).toBe(false);
  });
});
