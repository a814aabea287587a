import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { describe, expect, it } from "vitest";
import { createChromaStore, type ChunkInput, type VectorSpace } from "../src/index.js";

const SPACE: VectorSpace = { embedder: "test:axes", dimension: 3 };

function chunk(id: string, sourceId: string, embedding: number[], index = 0, count = 1): ChunkInput {
  return { id, sourceId, contentHash: "h1", index, count, text: `text of ${id}`, headingPath: ["Top", id], embedding };
}

function newStore() {
  return createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("chunks") });
}

describe("chunk store in Chroma", () => {
  it("records its vector space on first write and answers nearest-first by cosine distance", async () => {
    const store = newStore();
    expect(await store.chunks.space()).toBeNull();
    expect(await store.chunks.query(SPACE, [1, 0, 0], { limit: 5 })).toEqual([]);
    expect(await store.chunks.nearest(SPACE, [1, 0, 0], { limit: 5 })).toEqual([]);

    await store.chunks.upsert(SPACE, [
      chunk("x", "s1", [10, 0, 0]),
      chunk("xy", "s1", [1, 1, 0], 1, 2),
      chunk("y", "s2", [0, 2, 0]),
      chunk("minus-x", "s3", [-1, 0, 0]),
    ]);
    expect(await store.chunks.space()).toEqual(SPACE);
    // A second store (another process) reads the recorded space from the server.
    expect(await newStoreOn(store.collections.chunks.replace(/source_chunks$/, "")).chunks.space()).toEqual(SPACE);

    const matches = await store.chunks.query(SPACE, [1, 0, 0], { limit: 4 });
    expect(matches.map((m) => m.id)).toEqual(["x", "xy", "y", "minus-x"]);
    // Cosine, not L2: the long vector [10,0,0] is at distance 0 from [1,0,0].
    expect(matches.map((m) => Number(m.distance.toFixed(3)))).toEqual([0, 0.293, 1, 2]);
    expect(matches[1]).toMatchObject({ sourceId: "s1", index: 1, count: 2, text: "text of xy", headingPath: ["Top", "xy"], contentHash: "h1" });

    // Ids and distances alone: the same neighbours, nothing else read.
    expect(await store.chunks.nearest(SPACE, [1, 0, 0], { limit: 3 })).toEqual(matches.slice(0, 3).map(({ id, distance }) => ({ id, distance })));
    const bare = await store.chunks.query(SPACE, [1, 0, 0], { limit: 2, text: false });
    expect(bare.map((m) => [m.id, m.text])).toEqual([["x", ""], ["xy", ""]]);
    expect(await store.chunks.texts(["xy", "nope", "x"])).toEqual(new Map([["x", "text of x"], ["xy", "text of xy"]]));
    const onlyS2 = await store.chunks.query(SPACE, [1, 0, 0], { limit: 4, sourceIds: ["s2", "s3"] });
    expect(onlyS2.map((m) => m.id)).toEqual(["y", "minus-x"]);
    expect(await store.chunks.query(SPACE, [1, 0, 0], { limit: 4, sourceIds: [] })).toEqual([]);
  });

  it("refuses another embedder or dimension while it holds chunks, and accepts one once emptied", async () => {
    const store = newStore();
    await store.chunks.upsert(SPACE, [chunk("a", "s1", [1, 0, 0])]);
    const other: VectorSpace = { embedder: "test:other", dimension: 3 };
    await expect(store.chunks.query(other, [1, 0, 0], { limit: 1 })).rejects.toMatchObject({
      code: "CONFLICT",
      data: { reason: "vector_space", recorded: SPACE, asked: other },
    });
    await expect(store.chunks.nearest(other, [1, 0, 0], { limit: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(store.chunks.nearest(SPACE, [1, 0], { limit: 1 })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(store.chunks.upsert(other, [chunk("b", "s1", [1, 0, 0])])).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(store.chunks.upsert(SPACE, [chunk("c", "s1", [1, 0])])).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await store.chunks.count()).toBe(1);

    await store.chunks.deleteSources(["s1"]);
    const wider: VectorSpace = { embedder: "test:wide", dimension: 4 };
    await store.chunks.upsert(wider, [chunk("d", "s1", [0, 0, 0, 1])]);
    expect(await store.chunks.space()).toEqual(wider);
    expect((await store.chunks.query(wider, [0, 0, 0, 1], { limit: 1 }))[0]?.id).toBe("d");
  });

  it("lists a source's chunks in order, deletes by id and by source, and tallies", async () => {
    const store = newStore();
    await store.chunks.upsert(SPACE, [
      chunk("s1-2", "s1", [1, 0, 0], 2, 3),
      chunk("s1-0", "s1", [1, 0, 0], 0, 3),
      chunk("s1-1", "s1", [1, 0, 0], 1, 3),
      chunk("s2-0", "s2", [0, 1, 0]),
      chunk("s3-0", "s3", [0, 0, 1]),
    ]);
    expect((await store.chunks.ofSource("s1")).map((c) => [c.id, c.index, c.count])).toEqual([
      ["s1-0", 0, 3],
      ["s1-1", 1, 3],
      ["s1-2", 2, 3],
    ]);
    expect(await store.chunks.tally()).toEqual({ chunks: 5, sources: 3 });
    await store.chunks.delete(["s1-1", "never"]);
    await store.chunks.deleteSources(["s2", "nobody"]);
    expect(await store.chunks.tally()).toEqual({ chunks: 3, sources: 2 });
    expect(await store.chunks.ofSource("s2")).toEqual([]);
    await store.chunks.clear();
    await store.chunks.clear();
    expect(await store.chunks.space()).toBeNull();
    expect(await store.chunks.count()).toBe(0);
  });

  it("keeps each chunk's page url and title, lists and deletes the chunks of one page of a source", async () => {
    const store = newStore();
    const page = (id: string, url: string, index: number, count: number) => ({ ...chunk(id, "site", [1, 0, 0], index, count), url, title: `Title of ${url}` });
    await store.chunks.upsert(SPACE, [
      page("a-1", "https://docs.test/a", 1, 2),
      page("a-0", "https://docs.test/a", 0, 2),
      page("b-0", "https://docs.test/b", 0, 1),
      chunk("other", "elsewhere", [1, 0, 0]),
    ]);
    expect((await store.chunks.ofPage("site", "https://docs.test/a")).map((c) => [c.id, c.index, c.url, c.title])).toEqual([
      ["a-0", 0, "https://docs.test/a", "Title of https://docs.test/a"],
      ["a-1", 1, "https://docs.test/a", "Title of https://docs.test/a"],
    ]);
    const both = await store.chunks.ofPages("site", ["https://docs.test/a", "https://docs.test/b", "https://docs.test/none"]);
    expect([...both].map(([url, chunks]) => [url, chunks.map((c) => c.id)]).sort()).toEqual([
      ["https://docs.test/a", ["a-0", "a-1"]],
      ["https://docs.test/b", ["b-0"]],
    ]);
    const [nearest] = await store.chunks.query(SPACE, [1, 0, 0], { limit: 1, sourceIds: ["site"] });
    expect(nearest).toMatchObject({ url: expect.stringMatching(/^https:\/\/docs\.test\/[ab]$/), title: expect.stringContaining("Title of") });
    expect((await store.chunks.records(["b-0", "other"])).map((r) => [r.id, r.url ?? null])).toEqual([
      ["b-0", "https://docs.test/b"],
      ["other", null],
    ]);
    const version = await store.chunks.version();
    await store.chunks.deletePage("site", "https://docs.test/nowhere");
    expect(await store.chunks.version()).toBe(version);
    await store.chunks.deletePage("site", "https://docs.test/a");
    expect((await store.chunks.ofSource("site")).map((c) => c.id)).toEqual(["b-0"]);
    expect(await store.chunks.version()).not.toBe(version);
    expect(await store.chunks.count()).toBe(2);
  });

  it("keeps the space another store recorded when a write of its own comes through a handle opened before it, and tells every store of each write", async () => {
    const early = newStore();
    const prefix = early.collections.chunks.replace(/source_chunks$/, "");
    // Opened while the collection is empty: this handle holds no space.
    expect(await early.chunks.count()).toBe(0);
    const writer = newStoreOn(prefix);
    await writer.chunks.upsert(SPACE, [chunk("a", "s1", [1, 0, 0]), chunk("b", "s2", [0, 1, 0])]);
    const afterUpsert = await writer.chunks.version();
    expect(afterUpsert).not.toBeNull();
    // The version written back with the whole metadata must not carry the early handle's (spaceless) view.
    await early.chunks.deleteSources(["s2"]);
    expect(await newStoreOn(prefix).chunks.space()).toEqual(SPACE);
    const afterDelete = await writer.chunks.version();
    expect(afterDelete).not.toBe(afterUpsert);
    // Writes through a handle that holds the space bump the version in place, and keep the space too.
    await writer.chunks.upsert(SPACE, [chunk("c", "s3", [0, 0, 1])]);
    await writer.chunks.delete(["a"]);
    expect(await early.chunks.version()).not.toBe(afterDelete);
    expect(await newStoreOn(prefix).chunks.space()).toEqual(SPACE);
    expect((await newStoreOn(prefix).chunks.query(SPACE, [0, 0, 1], { limit: 5 })).map((m) => m.id)).toEqual(["c"]);
  });

  it("validates chunks and query options before writing anything", async () => {
    const store = newStore();
    await expect(store.chunks.upsert(SPACE, [{ ...chunk("a", "s1", [1, 0, 0]), text: "" }])).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(store.chunks.upsert(SPACE, [chunk("a", "s1", [1, Number.NaN, 0])])).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(store.chunks.upsert(SPACE, [chunk("a", "s1", [1, 0, 0]), chunk("a", "s1", [1, 0, 0])])).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await expect(store.chunks.query(SPACE, [1, 0], { limit: 1 })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(store.chunks.query(SPACE, [1, 0, 0], { limit: 0 })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await store.chunks.space()).toBeNull();
    expect(await store.chunks.count()).toBe(0);
  });
});

function newStoreOn(prefix: string) {
  return createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
}
