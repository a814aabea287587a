import { describe, expect, it } from "vitest";
import { nextSyncDelay } from "./backoff.js";

describe("nextSyncDelay", () => {
  const mid = () => 0.5;
  it("waits the interval while syncs succeed", () => {
    expect(nextSyncDelay({ intervalMs: 1000, failures: 0, random: mid })).toBe(1000);
  });
  it("doubles with each failure, up to the cap", () => {
    expect([1, 2, 3].map((failures) => nextSyncDelay({ intervalMs: 1000, failures, random: mid }))).toEqual([2000, 4000, 8000]);
    expect(nextSyncDelay({ intervalMs: 1000, failures: 50, maxMs: 60_000, random: mid })).toBe(60_000);
  });
  it("spreads by the jitter both ways", () => {
    expect(nextSyncDelay({ intervalMs: 1000, failures: 0, jitter: 0.2, random: () => 0 })).toBe(800);
    expect(nextSyncDelay({ intervalMs: 1000, failures: 0, jitter: 0.2, random: () => 1 })).toBe(1200);
  });
});
