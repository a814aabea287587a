import { describe, expect, it } from "vitest";
import { readRange } from "./read-range.js";

const numbers = Array.from({ length: 25 }, (_, i) => i);

function recordingReader() {
  const calls: [number, number][] = [];
  const read = async (offset: number, limit: number) => {
    calls.push([offset, limit]);
    return numbers.slice(offset, offset + limit);
  };
  return { calls, read };
}

describe("readRange", () => {
  it("reads a range in requests no bigger than the page size", async () => {
    const { calls, read } = recordingReader();
    expect(await readRange(read, { offset: 3, limit: 12 }, 5)).toEqual(numbers.slice(3, 15));
    expect(calls).toEqual([[3, 5], [8, 5], [13, 2]]);
  });

  it("stops at the first short page", async () => {
    const { calls, read } = recordingReader();
    expect(await readRange(read, { offset: 20, limit: 100 }, 4)).toEqual(numbers.slice(20));
    expect(calls).toEqual([[20, 4], [24, 4]]);
  });

  it("reads in one request when the page size allows it (Infinity: no cap)", async () => {
    const { calls, read } = recordingReader();
    expect(await readRange(read, { offset: 0, limit: 10 }, Infinity)).toEqual(numbers.slice(0, 10));
    expect(calls).toEqual([[0, 10]]);
  });

  it("refuses a page size that is not a positive integer", async () => {
    await expect(readRange(recordingReader().read, { offset: 0, limit: 1 }, 0)).rejects.toThrow(RangeError);
  });
});
