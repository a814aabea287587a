import { describe, expect, it } from "vitest";
import { healthExitCode } from "./exit-code.js";

describe("healthExitCode", () => {
  it.each([
    ["pass", 0],
    ["warn", 1],
    ["fail", 2],
  ] as const)("%s → %i", (status, code) => {
    expect(healthExitCode(status)).toBe(code);
    expect(healthExitCode({ status })).toBe(code);
  });

  it("treats an unknown status as fail", () => {
    expect(healthExitCode({ status: "unknown" as "pass" })).toBe(2);
  });
});
