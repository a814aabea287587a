import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  const mid = () => 0.5;
  const sync = (attempt: number, random: () => number, options: { maxMs?: number; jitter?: number } = {}) => {
    const jitter = options.jitter ?? 0.1;
    return backoffDelay({ attempt, baseMs: 1000, maxMs: options.maxMs ?? 300_000, spread: [1 - jitter, 1 + jitter], random });
  };
  it("waits the base delay while attempts succeed", () => {
    expect(sync(0, mid)).toBe(1000);
  });
  it("doubles with each failure, up to the cap", () => {
    expect([1, 2, 3].map((attempt) => sync(attempt, mid))).toEqual([2000, 4000, 8000]);
    expect(sync(50, mid, { maxMs: 60_000 })).toBe(60_000);
  });
  it("spreads by the jitter both ways", () => {
    expect(sync(0, () => 0, { jitter: 0.2 })).toBe(800);
    expect(sync(0, () => 1, { jitter: 0.2 })).toBe(1200);
  });
  it("uses equal jitter by default: never below half the ceiling", () => {
    expect(backoffDelay({ attempt: 0, baseMs: 500, maxMs: 8000, random: () => 0 })).toBe(250);
    expect(backoffDelay({ attempt: 0, baseMs: 500, maxMs: 8000, random: () => 1 })).toBe(500);
    expect(backoffDelay({ attempt: 3, baseMs: 500, maxMs: 8000, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay({ attempt: 10, baseMs: 500, maxMs: 8000, random: () => 1 })).toBe(8000);
  });
});
