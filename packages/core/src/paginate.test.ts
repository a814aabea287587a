import { describe, expect, it } from "vitest";
import { paginate, readAllPages } from "./paginate.js";

const source = (n: number) => Array.from({ length: n }, (_, i) => i);
const fetcher = (items: number[], calls: number[][]) => async (offset: number, limit: number) => {
  calls.push([offset, limit]);
  return items.slice(offset, offset + limit);
};

describe("paginate", () => {
  it("reads page after page until a short one", async () => {
    const calls: number[][] = [];
    const pages: number[][] = [];
    for await (const page of paginate(fetcher(source(7), calls), 3)) pages.push([...page]);
    expect(pages).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(calls).toEqual([[0, 3], [3, 3], [6, 3]]);
  });
  it("asks once more after an exactly full last page, and yields no empty page", async () => {
    const calls: number[][] = [];
    expect(await readAllPages(fetcher(source(6), calls), 3)).toEqual(source(6));
    expect(calls).toHaveLength(3);
    expect(await readAllPages(fetcher([], []), 3)).toEqual([]);
  });
});
