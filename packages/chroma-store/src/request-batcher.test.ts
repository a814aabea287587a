import { describe, expect, it } from "vitest";
import { createRequestBatcher } from "./request-batcher.js";

/** A batcher whose requests stay open until the test settles them, recording what each carried. */
function harness(maxInFlight: number, maxItems = Infinity) {
  const sent: { key: string; items: number[]; answer(results?: string[]): void; fail(error: Error): void }[] = [];
  const inBatch = createRequestBatcher<number, string>({
    maxInFlight,
    fits: (batch) => batch.length < maxItems,
    send: (key, items) =>
      new Promise<string[]>((resolve, reject) =>
        sent.push({ key, items, answer: (results) => resolve(results ?? items.map((n) => `${key}:${n}`)), fail: reject }),
      ),
  });
  return { inBatch, sent };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Item 1 sent alone and answered, items 2 and 3 waiting meanwhile: the request that then carries both. */
async function firstThenPair({ inBatch, sent }: ReturnType<typeof harness>) {
  const first = inBatch("k", 1);
  const batched = [2, 3].map((n) => inBatch("k", n));
  sent[0]!.answer();
  await settle();
  expect(sent[1]!.items).toEqual([2, 3]);
  return { first, batched, pair: sent[1]! };
}

describe("createRequestBatcher", () => {
  it("sends a lone item at once, alone, and answers it its own result", async () => {
    const { inBatch, sent } = harness(1);
    const result = inBatch("k", 7);
    expect(sent.map((s) => s.items)).toEqual([[7]]);
    sent[0]!.answer();
    expect(await result).toBe("k:7");
  });

  it("sends what arrives while a request is out as one request when it settles, each caller its own result", async () => {
    const { inBatch, sent } = harness(1);
    const results = [1, 2, 3, 4].map((n) => inBatch("k", n));
    expect(sent.map((s) => s.items)).toEqual([[1]]);
    sent[0]!.answer();
    await settle();
    expect(sent.map((s) => s.items)).toEqual([[1], [2, 3, 4]]);
    sent[1]!.answer(["two", "three", "four"]);
    expect(await Promise.all(results)).toEqual(["k:1", "two", "three", "four"]);
  });

  it("keeps up to maxInFlight requests out per key, keys apart, and batches no more than fits", async () => {
    const { inBatch, sent } = harness(2, 2);
    const results = [1, 2, 3, 4, 5, 6, 7].map((n) => inBatch("a", n));
    const other = inBatch("b", 9);
    expect(sent.map((s) => [s.key, s.items])).toEqual([
      ["a", [1]],
      ["a", [2]],
      ["b", [9]],
    ]);
    sent[1]!.answer();
    await settle();
    // One slot freed: one request of the next two waiting (fits allows 2), the rest still waiting.
    expect(sent.slice(3).map((s) => s.items)).toEqual([[3, 4]]);
    sent[0]!.answer();
    await settle();
    expect(sent.slice(4).map((s) => s.items)).toEqual([[5, 6]]);
    sent[3]!.answer();
    await settle();
    expect(sent.slice(5).map((s) => s.items)).toEqual([[7]]);
    for (const s of sent.slice(2)) s.answer();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `a:${n}`));
    expect(await other).toBe("b:9");
  });

  it("rejects every item of a failed request, and sends the next ones afterwards", async () => {
    const { inBatch, sent } = harness(1);
    const { first, batched, pair } = await firstThenPair({ inBatch, sent });
    pair.fail(new Error("server down"));
    await expect(first).resolves.toBe("k:1");
    for (const result of batched) await expect(result).rejects.toThrow("server down");
    const later = inBatch("k", 4);
    expect(sent.at(-1)!.items).toEqual([4]);
    sent.at(-1)!.answer();
    expect(await later).toBe("k:4");
  });

  it("rejects every item when the request answers another number of results, or send throws", async () => {
    const { first, batched, pair } = await firstThenPair(harness(1));
    pair.answer(["only one"]);
    expect(await first).toBe("k:1");
    for (const result of batched) await expect(result).rejects.toThrow(/answered 1 results for 2 items/);

    const throwing = createRequestBatcher<number, number>({
      maxInFlight: 1,
      fits: () => true,
      send: () => {
        throw new Error("bad body");
      },
    });
    await expect(throwing("k", 1)).rejects.toThrow("bad body");
    await expect(throwing("k", 2)).rejects.toThrow("bad body");
  });

  it("answers the others when a caller stopped waiting for its result", async () => {
    const { inBatch, sent } = harness(1);
    const first = inBatch("k", 1);
    // A caller that gave up (its deadline passed) simply never reads its promise.
    void inBatch("k", 2);
    const kept = inBatch("k", 3);
    sent[0]!.answer();
    await settle();
    sent[1]!.answer();
    expect(await first).toBe("k:1");
    expect(await kept).toBe("k:3");
  });
});
