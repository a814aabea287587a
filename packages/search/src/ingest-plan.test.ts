import { describe, expect, it } from "vitest";
import { chunkIdOf, contentHashOf, isComplete, pageScopeOf, staleChunkIds, takeBatch, writeOutcome } from "./ingest-plan.js";

const doc = { embedderId: "local:hash-v1", chunking: { maxChars: 1500, overlapChars: 200 }, format: "markdown" as const, title: "Guide", content: "# Guide\n\nText." };
const stored = (hash: string, count: number, indexes = Array.from({ length: count }, (_, i) => i)) =>
  indexes.map((index) => ({ id: `s:${hash}:${index}`, contentHash: hash, index, count }));

describe("contentHashOf", () => {
  it("changes with everything the chunks depend on, and only with that", () => {
    const base = contentHashOf(doc);
    expect(contentHashOf({ ...doc })).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    for (const changed of [
      { embedderId: "openai:x" },
      { chunking: { maxChars: 1000, overlapChars: 200 } },
      { format: "text" as const },
      { title: "Guide 2" },
      { content: "# Guide\n\nText!" },
      { pages: [{ page: 1, start: 0, end: 5 }] },
    ]) {
      expect(contentHashOf({ ...doc, ...changed }), JSON.stringify(changed)).not.toBe(base);
    }
  });

  it("hashes a document without page ranges as it always did (null and absent alike)", () => {
    expect(contentHashOf({ ...doc, pages: null })).toBe(contentHashOf(doc));
  });
});

describe("a page's hash and chunk ids", () => {
  // The values stored by crawls before ingestPages used contentHashOf: were they to change, every
  // stored page would look changed and be embedded again.
  const page = { ...doc, title: "A", content: "# A\n\nText.", pageUrl: "https://ex.com/a" };
  it("are those already stored, with or without a title", () => {
    expect(contentHashOf(page)).toBe("f6c31d1a0b719202ad21a501a8ae2a08");
    expect(contentHashOf({ ...page, title: null })).toBe("9b31235d33a1b8461e129ceb0dc4932e");
    expect(chunkIdOf(pageScopeOf("src1", page.pageUrl), contentHashOf(page), 0)).toBe("src1:93f1f24c9eb2:f6c31d1a0b71:0");
  });

  it("depend on the page's url", () => {
    expect(contentHashOf({ ...page, pageUrl: "https://ex.com/b" })).not.toBe(contentHashOf(page));
    expect(contentHashOf({ ...page, pageUrl: undefined })).toBe(contentHashOf({ ...doc, title: "A", content: page.content }));
  });
});

describe("isComplete", () => {
  it("accepts exactly one complete cut of this content version", () => {
    expect(isComplete(stored("h", 3), "h")).toBe(true);
  });

  it.each([
    ["nothing stored", [], "h"],
    ["another version", stored("old", 3), "h"],
    ["a chunk missing (a crash mid-write)", stored("h", 3, [0, 2]), "h"],
    ["old and new mixed (a crash before cleanup)", [...stored("h", 2), { id: "s:old:0", contentHash: "old", index: 0, count: 2 }], "h"],
    ["counts that disagree", [{ id: "a", contentHash: "h", index: 0, count: 2 }], "h"],
  ] as const)("refuses %s", (_, chunks, hash) => {
    expect(isComplete(chunks, hash)).toBe(false);
  });
});

describe("staleChunkIds", () => {
  it("lists every stored chunk the new cut does not reuse: old versions and crash leftovers", () => {
    const keep = [chunkIdOf("s", "newhash00000aa", 0), chunkIdOf("s", "newhash00000aa", 1)];
    const now = [{ id: keep[0]! }, { id: "s:old:0" }, { id: "s:old:1" }, { id: keep[1]! }];
    expect(staleChunkIds(now, keep)).toEqual(["s:old:0", "s:old:1"]);
    expect(staleChunkIds([], keep)).toEqual([]);
  });
});

describe("chunkIdOf", () => {
  it("gives new content new ids, so new chunks never overwrite the old ones they replace", () => {
    expect(chunkIdOf("src", "0123456789abcdef", 2)).toBe("src:0123456789ab:2");
    expect(chunkIdOf("src", "fedcba9876543210", 2)).not.toBe(chunkIdOf("src", "0123456789abcdef", 2));
  });
});

describe("writeOutcome", () => {
  it("names a write by what was there before", () => {
    expect(writeOutcome(0, 3)).toBe("empty");
    expect(writeOutcome(4, 0)).toBe("added");
    expect(writeOutcome(4, 3)).toBe("replaced");
  });
});

describe("takeBatch", () => {
  it.each([
    [[], 10, 0],
    [[3, 3, 3], 10, 3],
    [[3, 3, 3, 3], 10, 3],
    [[4, 6, 1], 10, 2],
    [[0, 0, 5], 5, 3],
    [[12, 1], 10, 1],
    [[0, 12, 1], 10, 1],
  ])("%j chunks, at most %i a batch: the first %i documents", (counts, max, taken) => {
    expect(takeBatch(counts, max)).toBe(taken);
  });
});
