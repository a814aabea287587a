import { describe, expect, it } from "vitest";
import { formatDuration } from "./format-duration.js";

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [849.6, "850 ms"],
    [1_000, "1 s"],
    [1_549, "1.5 s"],
    [42_900, "42 s"],
    [3 * 60_000 + 59_000, "3 min"],
    [2 * 3_600_000, "2 h"],
    [2 * 3_600_000 + 5 * 60_000, "2 h 5 min"],
    [3 * 86_400_000, "3 d"],
    [3 * 86_400_000 + 4 * 3_600_000, "3 d 4 h"],
    [-1, "an unknown time"],
    [Number.NaN, "an unknown time"],
  ])("%s ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
