import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { beforeAll, describe, expect, it } from "vitest";
import { ChromaStoreError, createChromaStore, type ChromaStore, type MirrorRecord } from "../src/index.js";
import { makeSources } from "./fixtures.js";

async function errorOf(promise: Promise<unknown>): Promise<ChromaStoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChromaStoreError);
    return error as ChromaStoreError;
  }
  throw new Error("expected the call to fail");
}

describe("source mirror on a real Chroma", () => {
  // More than the server's max batch size (5461), so upsert has to split the write.
  const sources = makeSources(6000);
  let store: ChromaStore;
  let writtenAt: number;

  beforeAll(async () => {
    store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("mirror") });
    writtenAt = Date.now();
    expect(await store.sources.upsert(sources)).toBe(sources.length);
  });

  it("holds every record, readable by id with its nulls intact", async () => {
    expect(await store.sources.count()).toBe(6000);
    const withNulls = sources[1]!; // odd index: no description; 1 % 3 != 0: crawled
    const record = await store.sources.get(withNulls.id);
    expect(record).toEqual({ ...withNulls, syncedAt: expect.any(Number) });
    expect(record?.description).toBeNull();
    expect(record?.syncedAt).toBeGreaterThanOrEqual(writtenAt);
    const bothNull = sources[3]!;
    expect(await store.sources.get(bothNull.id)).toMatchObject({ description: null, lastCrawledAt: null });
    expect(await store.sources.get("no-such-id")).toBeNull();
  });

  it("finds a record by URL", async () => {
    const target = sources[1234]!;
    expect((await store.sources.getByUrl(target.url))?.id).toBe(target.id);
    expect(await store.sources.getByUrl("https://example.org/nowhere")).toBeNull();
  });

  it("filters on one field, several fields ($and) and lists of values ($in)", async () => {
    const one = await store.sources.find({ filters: { sourceType: "blog" }, limit: 10_000 });
    expect(one.map((r) => r.id).sort()).toEqual(sources.filter((s) => s.sourceType === "blog").map((s) => s.id));

    const filters = { sourceType: ["blog", "website"], status: "active", authorityTier: "tier_1_canonical" } as const;
    const expected = sources
      .filter((s) => ["blog", "website"].includes(s.sourceType) && s.status === "active" && s.authorityTier === "tier_1_canonical")
      .map((s) => s.id);
    expect(expected.length).toBeGreaterThan(10);
    const found = await store.sources.find({ filters, limit: 10_000 });
    expect(found.map((r) => r.id).sort()).toEqual(expected);
    expect(await store.sources.count(filters)).toBe(expected.length);
  });

  it("pages with limit and offset without gaps or repeats", async () => {
    const filters = { status: ["active", "failed"] } as const;
    const all = await store.sources.find({ filters, limit: 10_000 });
    expect(all).toHaveLength(3000);
    const paged: MirrorRecord[] = [];
    for (let offset = 0; ; offset += 700) {
      const page = await store.sources.find({ filters, limit: 700, offset });
      expect(page.length).toBeLessThanOrEqual(700);
      paged.push(...page);
      if (page.length < 700) break;
    }
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(await store.sources.find({ limit: 5 })).toHaveLength(5);
  });

  it("iterates over every id, a page at a time", async () => {
    const ids: string[] = [];
    for await (const id of store.sources.iterateIds({ pageSize: 1000 })) ids.push(id);
    expect(ids).toHaveLength(6000);
    expect(new Set(ids)).toEqual(new Set(sources.map((s) => s.id)));
  });

  it("gets many records in the order asked, leaving out unknown ids", async () => {
    const wanted = [sources[10]!.id, "missing", sources[2]!.id, sources[5999]!.id];
    expect((await store.sources.getMany(wanted)).map((r) => r.id)).toEqual([sources[10]!.id, sources[2]!.id, sources[5999]!.id]);
    expect(await store.sources.getMany([])).toEqual([]);
  });

  it("deletes by id and ignores unknown ids", async () => {
    const prefix = uniqueCollectionPrefix("del");
    const own = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    const few = makeSources(20, "d");
    await own.sources.upsert(few);
    await own.sources.delete([few[0]!.id, few[5]!.id, "never-there"]);
    expect(await own.sources.count()).toBe(18);
    expect(await own.sources.get(few[0]!.id)).toBeNull();
    expect(await own.sources.get(few[1]!.id)).not.toBeNull();
    await own.sources.delete([]);
    expect(await own.sources.count()).toBe(18);
  });

  it("clears a field set back to null (regression: Chroma's upsert merges metadata keys)", async () => {
    const own = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("nulls") });
    const [base] = makeSources(1, "n");
    await own.sources.upsert([{ ...base!, description: "first", lastCrawledAt: 5 }]);
    await own.sources.upsert([{ ...base!, description: null, lastCrawledAt: null, title: "renamed" }]);
    expect(await own.sources.get(base!.id)).toMatchObject({ description: null, lastCrawledAt: null, title: "renamed" });
    await own.sources.upsert([{ ...base!, description: "", lastCrawledAt: 0 }]);
    expect(await own.sources.get(base!.id)).toMatchObject({ description: "", lastCrawledAt: 0 });
  });

  it("answers getByUrl with the newest of stale duplicates", async () => {
    const own = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("dup") });
    const [old, fresh] = makeSources(2, "u");
    await own.sources.upsert([
      { ...old!, url: "https://example.org/same", updatedAt: 1000 },
      { ...fresh!, url: "https://example.org/same", updatedAt: 2000 },
    ]);
    expect((await own.sources.getByUrl("https://example.org/same"))?.id).toBe(fresh!.id);
  });

  it("rejects invalid or duplicate records before writing any", async () => {
    const own = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("bad") });
    const [a, b] = makeSources(2, "v");
    const invalid = await errorOf(own.sources.upsert([a!, { ...b!, sourceType: "podcast" as never }]));
    expect(invalid.code).toBe("VALIDATION");
    expect(invalid.message).toMatch(/1\.sourceType/);
    const duplicate = await errorOf(own.sources.upsert([a!, { ...a!, title: "again" }]));
    expect(duplicate.code).toBe("VALIDATION");
    expect(duplicate.message).toContain(a!.id);
    expect(await own.sources.count()).toBe(0);
    expect((await errorOf(own.sources.find({ filters: { status: [] } }))).code).toBe("VALIDATION");
    expect((await errorOf(own.sources.get(""))).code).toBe("VALIDATION");
  });

  it("refuses a same-named collection it did not create, and a record it did not write", async () => {
    const prefix = uniqueCollectionPrefix("foreign");
    const url = new URL(sharedChromaUrl());
    const raw = new ChromaClient({ host: url.hostname, port: Number(url.port) });
    // Another program's collection under our name: no kmcp marker.
    await raw.createCollection({ name: `${prefix}sources_metadata`, embeddingFunction: null });
    const foreign = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    const conflict = await errorOf(foreign.sources.count());
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toContain(`${prefix}sources_metadata`);

    // Our collection, with a record something else wrote into it.
    const own = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("corrupt") });
    await own.sources.upsert(makeSources(1, "ok"));
    const collection = await raw.getCollection({ name: own.collections.sources });
    await collection.upsert({ ids: ["garbage"], embeddings: [[0]], metadatas: [{ url: "https://x", title: 42 }] });
    const corrupt = await errorOf(own.sources.get("garbage"));
    expect(corrupt.code).toBe("CORRUPT");
    expect(corrupt.message).toContain('"garbage"');
    expect((await own.sources.get("ok-00000"))?.id).toBe("ok-00000");
  });
});
