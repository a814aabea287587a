import { describe, expect, it } from "vitest";
import { batchedCalls } from "./batched-calls.js";

/** A run that logs its batches and answers each key doubled once the test opens its gate. */
function gated() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (keys: number[]) => {
    batches.push(keys);
    await new Promise<void>((resolve) => gates.push(resolve));
    return keys.map((key) => key * 2);
  };
  return { batches, gates, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("batchedCalls", () => {
  it("answers the calls of one turn in one batch, in call order", async () => {
    const batches: number[][] = [];
    const call = batchedCalls(async (keys: number[]) => (batches.push(keys), keys.map((key) => key * 2)), 10);
    expect(await Promise.all([1, 2, 3].map((key) => call(key)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("puts the calls made while a batch runs in the next one, at most `max` a batch", async () => {
    const { batches, gates, run } = gated();
    const call = batchedCalls(run, 2);
    const first = call(1);
    while (gates.length === 0) await turn();
    const later = [2, 3, 4].map(call);
    for (let opened = 0; opened < 3; opened++) {
      while (gates.length === 0) await turn();
      gates.shift()!();
    }
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    // The first batch alone, then the three calls queued meanwhile, two and one.
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it("rejects only the calls of a failed batch, and goes on with the next", async () => {
    let calls = 0;
    const call = batchedCalls(async (keys: string[]) => {
      if (calls++ === 0) throw new Error(`batch ${keys.join(",")} failed`);
      return keys.map((key) => key.toUpperCase());
    }, 10);
    const failing = [call("a"), call("b")];
    await expect(failing[0]).rejects.toThrow("batch a,b failed");
    await expect(failing[1]).rejects.toThrow("batch a,b failed");
    expect(await call("c")).toBe("C");
  });

  it("rejects every call of a batch answered with the wrong number of results", async () => {
    const call = batchedCalls(async (keys: number[]) => keys.slice(1), 10);
    await expect(Promise.all([call(1), call(2)])).rejects.toThrow("A batch of 2 calls got 1 answers.");
  });
});
