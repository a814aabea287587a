import { describe, expect, it } from "vitest";
import { median, p95, percentile, timeInterleaved } from "./stats.js";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted 100..1
    expect(median(samples)).toBe(50);
    expect(p95(samples)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });
  it("is NaN for no samples", () => {
    expect(Number.isNaN(median([]))).toBe(true);
  });
});

describe("timeInterleaved", () => {
  it("runs the functions in turn, round after round, and keeps each one's samples apart", async () => {
    const order: string[] = [];
    const [a, b] = await timeInterleaved(3, [async () => order.push("a"), async () => order.push("b")]);
    expect(order).toEqual(["a", "b", "a", "b", "a", "b"]);
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
  });
});
