import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["7d", 604_800_000],
    ["12h", 43_200_000],
    ["30m", 1_800_000],
    ["45s", 45_000],
    ["1.5h", 5_400_000],
    ["2w", 1_209_600_000],
    ["250", 250],
    ["250ms", 250],
    ["soon", null],
    ["-1d", null],
    ["", null],
  ])("%j → %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
