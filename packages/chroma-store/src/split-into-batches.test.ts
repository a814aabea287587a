import { describe, expect, it } from "vitest";
import { splitIntoBatches } from "./split-into-batches.js";

describe("splitIntoBatches", () => {
  it("cuts into slices of at most the size, in order", () => {
    expect(splitIntoBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(splitIntoBatches([1, 2], 5)).toEqual([[1, 2]]);
    expect(splitIntoBatches([], 3)).toEqual([]);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => splitIntoBatches([1], 0)).toThrow(RangeError);
    expect(() => splitIntoBatches([1], 1.5)).toThrow(RangeError);
  });
});
