import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { createSyncManager } from "@kmcp/sync-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalEmbedder, createPageIngester, createPreparer, createSearch, type PageIngester, type Search } from "../src/index.js";

const embedder = createLocalEmbedder();

describe("pages of a many-page source", () => {
  let db: Db;
  let store: ChromaStore;
  let pages: PageIngester;
  let search: Search;
  let sourceId: string;

  beforeAll(async () => {
    db = await migratedDb();
    store = isolatedStore();
    pages = createPageIngester({ store, embedder });
    const source = await db.sources.create({ url: "https://docs.test/guide", title: "The guide", sourceType: "documentation", authorityTier: "tier_1_canonical", status: "active" });
    sourceId = source.id;
    await createSyncManager({ db, store }).syncSources();
    search = createSearch({ store, embedder, lexicalRefreshMs: 0 });
  });

  it("stores each page's chunks under the source, cites the page in search, writes nothing for an unchanged page", async () => {
    const first = await pages.ingestPage({ sourceId, url: "https://docs.test/guide/vacuum", content: "# Vacuum\n\nAutovacuum reclaims the space of dead tuples.", format: "markdown" });
    await pages.ingestPage({ sourceId, url: "https://docs.test/guide/locks", content: "# Locks\n\nAdvisory locks serialise crawls of one site.", format: "markdown", title: "Locking" });
    expect(first).toMatchObject({ outcome: "stored", title: "Vacuum", chunks: 1, removed: 0 });

    const { results } = await search.search({ query: "advisory locks serialise crawls", limit: 1 });
    expect(results[0]).toMatchObject({ source: { id: sourceId, url: "https://docs.test/guide" }, document: { url: "https://docs.test/guide/locks", title: "Locking" } });

    const version = await store.chunks.version();
    const again = await pages.ingestPage({ sourceId, url: "https://docs.test/guide/vacuum", content: "# Vacuum\n\nAutovacuum reclaims the space of dead tuples.", format: "markdown" });
    expect(again).toMatchObject({ outcome: "unchanged", contentHash: first.contentHash });
    expect(await store.chunks.version()).toBe(version);
  });

  it("replaces only the changed page's chunks, and removes a page", async () => {
    await pages.ingestPage({ sourceId, url: "https://docs.test/guide/a", content: "# A\n\nFirst text of page a.", format: "markdown" });
    await pages.ingestPage({ sourceId, url: "https://docs.test/guide/b", content: "# B\n\nText of page b.", format: "markdown" });
    const changed = await pages.ingestPage({ sourceId, url: "https://docs.test/guide/a", content: "# A\n\nSecond text of page a, the narwhal edition.", format: "markdown" });
    expect(changed).toMatchObject({ outcome: "stored", chunks: 1, removed: 1 });
    expect((await store.chunks.ofPage(sourceId, "https://docs.test/guide/a")).map((c) => c.contentHash)).toEqual([changed.contentHash]);
    expect(await store.chunks.ofPage(sourceId, "https://docs.test/guide/b")).toHaveLength(1);
    const { results } = await search.search({ query: "narwhal edition", limit: 1 });
    expect(results[0]?.document?.url).toBe("https://docs.test/guide/a");

    await pages.removePage(sourceId, "https://docs.test/guide/a");
    expect(await store.chunks.ofPage(sourceId, "https://docs.test/guide/a")).toEqual([]);
    expect(await store.chunks.ofPage(sourceId, "https://docs.test/guide/b")).toHaveLength(1);
  });

  it("ingests a batch of pages in one go: unchanged ones untouched, changed and new ones written, each page's own chunks", async () => {
    const page = (name: string, text: string) => ({ sourceId, url: `https://docs.test/guide/batch-${name}`, content: `# ${name}\n\n${text}`, format: "markdown" as const });
    await pages.ingestPages([page("x", "Xylophone tuning."), page("y", "Yak shaving.")]);
    const before = await store.chunks.ofPages(sourceId, ["https://docs.test/guide/batch-x", "https://docs.test/guide/batch-y"]);
    const results = await pages.ingestPages([page("x", "Xylophone tuning."), page("y", "Yak grooming, the new chapter."), page("z", "Zebra crossings.")]);
    expect(results.map((r) => [r.outcome, r.chunks, r.removed])).toEqual([
      ["unchanged", 1, 0],
      ["stored", 1, 1],
      ["stored", 1, 0],
    ]);
    const after = await store.chunks.ofPages(sourceId, ["https://docs.test/guide/batch-x", "https://docs.test/guide/batch-y", "https://docs.test/guide/batch-z"]);
    expect(after.get("https://docs.test/guide/batch-x")).toEqual(before.get("https://docs.test/guide/batch-x"));
    expect(after.get("https://docs.test/guide/batch-y")?.map((c) => c.contentHash)).toEqual([results[1]?.contentHash]);
    expect(after.get("https://docs.test/guide/batch-z")).toHaveLength(1);
    await expect(pages.ingestPages([page("x", "a"), page("x", "b")])).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("chunks and embeds a batch on a caller's worker pool exactly as in the calling thread", async () => {
    const preparer = createPreparer({ embedder, threads: 1 });
    try {
      const pooled = createPageIngester({ store, embedder, preparer });
      const other = await db.sources.create({ url: "https://docs.test/pooled", title: "Pooled", sourceType: "documentation", authorityTier: "tier_1_canonical", status: "active" });
      const page = (id: string, name: string) => ({ sourceId: id, url: `https://docs.test/guide/pool-${name}`, content: `# ${name}\n\n${`The ${name} section explains heron migration. `.repeat(60)}`, format: "markdown" as const });
      const inThread = await pages.ingestPages([page(sourceId, "p"), page(sourceId, "q")]);
      const onPool = await pooled.ingestPages([page(other.id, "p"), page(other.id, "q")]);
      expect(onPool).toEqual(inThread);
      expect(onPool.map((r) => r.outcome)).toEqual(["stored", "stored"]);
      const stored = async (id: string, url: string) => {
        const chunks = await store.chunks.ofPage(id, url);
        const texts = await store.chunks.texts(chunks.map((c) => c.id));
        return chunks.map(({ index, count, contentHash, title, id: chunkId }) => ({ index, count, contentHash, title, text: texts.get(chunkId) }));
      };
      for (const name of ["p", "q"]) {
        const url = `https://docs.test/guide/pool-${name}`;
        const pooledChunks = await stored(other.id, url);
        expect(pooledChunks.length).toBeGreaterThan(1);
        expect(pooledChunks.every((c) => c.text?.includes("heron migration"))).toBe(true);
        expect(pooledChunks).toEqual(await stored(sourceId, url));
      }
      // Same vectors: the same distance from any query vector.
      const [query] = await embedder.embed(["heron migration, the q section"]);
      const matches = await store.chunks.query({ embedder: embedder.id, dimension: embedder.dimension! }, query!, { limit: 100, sourceIds: [sourceId, other.id], text: false });
      const distances = (id: string) => matches.filter((m) => m.sourceId === id && m.url?.includes("/pool-")).map((m) => `${m.url} ${m.index} ${m.distance}`).sort();
      expect(distances(other.id)).toHaveLength(onPool.reduce((sum, r) => sum + r.chunks, 0));
      expect(distances(other.id)).toEqual(distances(sourceId));
    } finally {
      await preparer.close();
    }
  });

  it("refuses a page without a source or with a bad url, writing nothing", async () => {
    const before = await store.chunks.count();
    await expect(pages.ingestPage({ sourceId: "", url: "https://docs.test/x", content: "x", format: "text" })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(pages.ingestPage({ sourceId, url: "ftp://docs.test/x", content: "x", format: "text" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await store.chunks.count()).toBe(before);
  });
});
