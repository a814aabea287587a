import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { startChromaCloudProxy, type ChromaCloudProxy } from "@kmcp/testing/chroma-cloud-proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChromaStore, type ChromaStoreOptions, type ChunkInput, type VectorSpace } from "../src/index.js";
import { makeSources } from "./fixtures.js";

// Chroma Cloud's contract, played by a loopback proxy in front of the real test server: the API
// key in x-chroma-token, at most 300 records per write or read by ids, 300 results per read,
// 10 requests in flight per collection.
const API_KEY = "ck-test-7fQ2xZ9wLm4R";
const SPACE: VectorSpace = { embedder: "test:cloud", dimension: 4 };

function chunks(count: number, sourceId: string, url?: string): ChunkInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${sourceId}-c${i}`,
    sourceId,
    contentHash: "h",
    index: i,
    count,
    text: `chunk ${i} of ${sourceId}`,
    headingPath: [],
    embedding: [1, i % 7, i % 3, 0.5],
    ...(url ? { url, title: "Page" } : {}),
  }));
}

describe("a store on Chroma Cloud's contract (loopback proxy)", () => {
  let proxy: ChromaCloudProxy;
  const storeVia = (options: ChromaStoreOptions = {}) =>
    createChromaStore({ url: proxy.url, apiKey: API_KEY, collectionPrefix: uniqueCollectionPrefix("cloud"), ...options });

  beforeAll(async () => {
    proxy = await startChromaCloudProxy(sharedChromaUrl(), { apiKey: API_KEY });
  });
  afterAll(() => proxy.close());

  it("is refused without the key, as UNAUTHORIZED naming the key", async () => {
    const before = proxy.stats().unauthorized;
    const keyless = createChromaStore({ url: proxy.url, collectionPrefix: uniqueCollectionPrefix("cloud") });
    await expect(keyless.sources.count()).rejects.toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("API key") });
    const wrong = storeVia({ apiKey: "ck-wrong-key-0000" });
    await expect(wrong.heartbeat()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(proxy.stats().unauthorized).toBe(before + 2);
  });

  it("with the key and Cloud's default limits, reads and writes of thousands of records stay within every quota", async () => {
    const refusedBefore = proxy.stats().refused.length;
    const unauthorizedBefore = proxy.stats().unauthorized;
    // No tenant or database given: the key's own are asked (here the server's defaults).
    const store = storeVia();

    const sources = makeSources(1_200, "cloud");
    expect(await store.sources.upsert(sources)).toBe(1_200);
    expect(await store.sources.count()).toBe(1_200);
    const listed = await store.sources.find({ limit: 10_000 });
    expect(listed).toHaveLength(1_200);
    expect(new Set(listed.map((r) => r.id)).size).toBe(1_200);
    expect(await store.sources.find({ limit: 500, offset: 1_000 })).toHaveLength(200);
    expect(await store.sources.count({ status: "active" })).toBe(300);
    const ids: string[] = [];
    for await (const id of store.sources.iterateIds({ pageSize: 10_000 })) ids.push(id);
    expect(ids.sort()).toEqual(sources.map((s) => s.id).sort());
    expect((await store.sources.getMany(ids)).map((r) => r.id)).toEqual(ids);
    await store.sources.delete(ids.slice(0, 700));
    expect(await store.sources.count()).toBe(500);

    expect(await store.chunks.upsert(SPACE, [...chunks(650, "doc"), ...chunks(350, "site", "https://site.example/page")])).toBe(1_000);
    expect(await store.chunks.ofSource("doc")).toHaveLength(650);
    expect((await store.chunks.ofPage("site", "https://site.example/page")).map((c) => c.index)).toEqual([...Array(350).keys()]);
    // A search asks for more candidates than one query may return: it gets the nearest 300.
    const nearest = await store.chunks.query(SPACE, [1, 0, 0, 0.5], { limit: 5_000, text: false });
    expect(nearest).toHaveLength(300);
    expect((await store.chunks.texts(nearest.map((m) => m.id))).size).toBe(300);
    expect(await store.chunks.records((await store.chunks.ids()).slice(0, 900))).toHaveLength(900);
    expect(await store.chunks.tally()).toEqual({ chunks: 1_000, sources: 2 });
    await store.chunks.deletePage("site", "https://site.example/page");
    await store.chunks.delete((await store.chunks.ofSource("doc")).slice(0, 320).map((c) => c.id));
    expect(await store.chunks.count()).toBe(330);

    await Promise.all(Array.from({ length: 320 }, (_, i) => store.pendingWrites.add({ id: `w${i}`, kind: "test", payload: { i }, queuedAt: 1_000 + i })));
    expect((await store.pendingWrites.list()).map((w) => w.id)).toEqual(Array.from({ length: 320 }, (_, i) => `w${i}`));

    const stats = proxy.stats();
    expect(stats.refused.slice(refusedBefore)).toEqual([]);
    expect(stats.unauthorized).toBe(unauthorizedBefore);
    // The limits were reached, not merely avoided by small requests.
    expect(stats.largestWrite).toBe(300);
    expect(stats.largestRead).toBe(300);
    expect(stats.largestQuery).toBe(300);
    expect(stats.peakInFlight).toBeLessThanOrEqual(10);
  });

  it("refuses what goes over a quota, which the store reports as such", async () => {
    const store = storeVia({ tenant: "default_tenant", database: "default_database", maxBatchSize: 5_000, maxResults: 5_000 });
    await expect(store.sources.upsert(makeSources(301, "over"))).rejects.toMatchObject({
      code: "VALIDATION",
      data: { reason: "quota" },
      message: expect.stringContaining("current usage of 301 exceeds limit of 300"),
    });
    await store.sources.upsert(makeSources(300, "over"));
    await expect(store.sources.find({ limit: 301 })).rejects.toMatchObject({ data: { reason: "quota" } });
    await expect(store.pendingWrites.list()).rejects.toMatchObject({ data: { reason: "quota" } });
    // The search's reads (REST requests, not the chromadb client) report it the same way.
    await expect(store.chunks.records(Array.from({ length: 301 }, (_, i) => `chunk-${i}`))).rejects.toMatchObject({ code: "VALIDATION", data: { reason: "quota" } });
  });

  it("keeps at most 10 requests in flight per collection, which Cloud would refuse beyond", async () => {
    // A slow link, so requests started together are in flight together.
    const slow = await startChromaCloudProxy(sharedChromaUrl(), { apiKey: API_KEY, latencyMs: 300 });
    try {
      const prefix = uniqueCollectionPrefix("cloud");
      const bounded = createChromaStore({ url: slow.url, apiKey: API_KEY, collectionPrefix: prefix });
      await bounded.sources.upsert(makeSources(40, "burst"));
      const ids = makeSources(40, "burst").map((s) => s.id);
      const found = await Promise.all(ids.map((id) => bounded.sources.get(id)));
      expect(found.map((r) => r?.id)).toEqual(ids);
      expect(slow.stats()).toMatchObject({ refused: [], peakInFlight: 10 });

      const unbounded = createChromaStore({ url: slow.url, apiKey: API_KEY, collectionPrefix: prefix, maxConcurrentRequests: 100 });
      await unbounded.sources.count(); // opens the collection first
      const burst = await Promise.allSettled(ids.map((id) => unbounded.sources.get(id)));
      expect(burst.filter((r) => r.status === "rejected").length).toBeGreaterThan(0);
      expect(slow.stats().refused.at(-1)).toMatch(/Concurrent requests.*exceeds limit of 10/);
    } finally {
      await slow.close();
    }
  });
});
