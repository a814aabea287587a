import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { createSyncManager, type OfflineSyncManager } from "@kmcp/sync-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngester, createLocalEmbedder, createSearch, LOCAL_EMBEDDER_DIMENSION, type Embedder, type Search, type SearchQuery } from "../src/index.js";
import { CORPUS_DIR, fileOf, manifest, queries } from "./corpus.js";

const embedder = createLocalEmbedder();

/** Ingest the shipped corpus, each file with the type and tier its manifest entry gives. */
async function ingestCorpus(db: Db, store: ChromaStore) {
  const ingester = createIngester({ db, store, embedder });
  const reports = [];
  for (const entry of manifest) {
    reports.push(await ingester.ingestFiles([entry.file], { root: CORPUS_DIR, sourceType: entry.sourceType, authorityTier: entry.authorityTier }));
  }
  return reports.flatMap((report) => report.documents);
}

const topFiles = async (search: Search, query: SearchQuery) => (await search.search(query)).results.map((r) => fileOf(r.source.url));

describe("search over the shipped corpus", () => {
  let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let db: Db;
  let store: ChromaStore;
  let sync: OfflineSyncManager;
  let search: Search;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    db = await migratedDb(postgres.url);
    store = isolatedStore();
    const documents = await ingestCorpus(db, store);
    expect(documents.map((d) => d.outcome)).toEqual(manifest.map(() => "added"));
    sync = createSyncManager({ db, store });
    await sync.syncSources();
    search = createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf });
  });
  afterAll(async () => {
    await sync?.stop();
    await postgres?.destroy();
  });

  it("finds the right document for topic queries", async () => {
    let atOne = 0;
    const misses: string[] = [];
    for (const { query, expected } of queries) {
      const files = await topFiles(search, { query, limit: 5 });
      if (files[0] === expected) atOne++;
      if (!files.includes(expected)) misses.push(`${query} → ${files.join(", ")} (wanted ${expected})`);
    }
    const recallAt5 = (queries.length - misses.length) / queries.length;
    const recallAt1 = atOne / queries.length;
    // The local embedder matches words, not meanings, yet most queries must find their document.
    const summary = `recall@5 ${recallAt5.toFixed(2)}, recall@1 ${recallAt1.toFixed(2)}; missed:\n${misses.join("\n")}`;
    expect(recallAt5, summary).toBeGreaterThanOrEqual(0.9);
    expect(recallAt1, summary).toBeGreaterThanOrEqual(0.75);
  });

  it("answers with text, score, heading path and a citation", async () => {
    const { results, embedder: used, mirrorAsOf } = await search.search({ query: "autovacuum dead tuples table bloat", limit: 3 });
    expect(used).toBe("local:hash-v1");
    expect(mirrorAsOf).toBeInstanceOf(Date);
    expect(results).toHaveLength(3);
    const [first] = results;
    expect(first).toMatchObject({ rank: 1, source: { url: expect.stringMatching(/^file:\/\/\//), status: "active" } });
    expect(first!.text.length).toBeGreaterThan(20);
    expect(first!.headingPath.length).toBeGreaterThan(0);
    expect(first!.score).toBeCloseTo(first!.relevance * { tier_1_canonical: 1, tier_2_trusted: 0.9, tier_3_community: 0.8 }[first!.source.authorityTier], 10);
    expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((a, b) => b - a));
  });

  it("filters by source type, tier and status", async () => {
    for (const sourceType of ["blog", "documentation"] as const) {
      const { results } = await search.search({ query: "how does it work", limit: 20, sourceType });
      expect(results.length).toBeGreaterThan(0);
      expect(new Set(results.map((r) => r.source.sourceType))).toEqual(new Set([sourceType]));
    }
    const { results: tier1 } = await search.search({ query: "security", limit: 20, authorityTier: "tier_1_canonical" });
    expect(tier1.length).toBeGreaterThan(0);
    expect(tier1.every((r) => r.source.authorityTier === "tier_1_canonical")).toBe(true);
    expect((await search.search({ query: "security", limit: 5, status: "failed" })).results).toEqual([]);
    await expect(search.search({ query: "x", status: "archived" as never })).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("boosts by authority tier as documented: score = relevance × tier weight", async () => {
    const pairQueries = queries.filter((q) => q.pair);
    expect(pairQueries.length).toBeGreaterThanOrEqual(3);
    const unweighted = createSearch({ store, embedder, tierWeights: { tier_2_trusted: 1, tier_3_community: 1 } });
    const communityFirst = createSearch({ store, embedder, tierWeights: { tier_1_canonical: 0.5, tier_3_community: 1 } });
    /** The two documents of the pair, in the order their best chunks rank. */
    const order = async (engine: Search, query: string, pair: readonly string[]) => {
      const files = (await engine.search({ query, limit: 50 })).results.map((r) => fileOf(r.source.url));
      return files.filter((f, i) => pair.includes(f) && files.indexOf(f) === i);
    };
    let flipped = 0;
    for (const { query, pair, expected: official } of pairQueries) {
      const blog = manifest.find((e) => e.pair === pair && e.file !== official)!.file;
      const flat = (await unweighted.search({ query, limit: 50 })).results;
      const best = (file: string) => flat.find((r) => fileOf(r.source.url) === file)!;
      for (const r of flat) expect(r.score).toBe(r.relevance);
      // Default weights: canonical 1.0, community 0.8.
      const expectedOrder = best(official).relevance * 1 >= best(blog).relevance * 0.8 ? [official, blog] : [blog, official];
      expect(await order(search, query, [official, blog]), query).toEqual(expectedOrder);
      if ((await order(unweighted, query, [official, blog]))[0] === blog && expectedOrder[0] === official) flipped++;
      expect(await order(communityFirst, query, [official, blog]), query).toEqual([blog, official]);
    }
    // The pairs are written to be about equally relevant, so without weights the community
    // post wins some of them: the boost is what puts the canonical one first there.
    expect(flipped).toBeGreaterThanOrEqual(2);
  });

  it("never shows archived sources, once the mirror knows", async () => {
    const query = { query: queries[0]!.query, limit: 5 };
    const before = await search.search(query);
    const top = before.results[0]!.source;
    await db.sources.archive(top.id);
    await sync.syncSources();
    const after = await search.search(query);
    expect(after.results.map((r) => r.source.id)).not.toContain(top.id);
    expect(after.results).toHaveLength(5);
    await db.sources.update(top.id, { status: "active" });
    await sync.syncSources();
    expect((await search.search(query)).results).toEqual(before.results);
  });

  it("takes the candidates' sources from the mirror reader it is given (e.g. an in-memory copy)", async () => {
    const ids = (await db.sources.list({ limit: 100 })).items.map((s) => s.id);
    const copy = new Map((await store.sources.getMany(ids)).map((record) => [record.id, record]));
    const mirror = { getMany: async (wanted: readonly string[]) => wanted.flatMap((id) => copy.get(id) ?? []) };
    const fromCopy = createSearch({ store, mirror, embedder, mirrorAsOf: sync.mirrorAsOf });
    for (const mode of ["hybrid", "vector", "lexical"] as const) {
      for (const { query } of queries.slice(0, 4)) expect(await fromCopy.search({ query, mode, limit: 5 })).toEqual(await search.search({ query, mode, limit: 5 }));
    }
    // What the copy says is what counts: a source archived there is left out, as the mirror would.
    const query = { query: queries[0]!.query, limit: 5 };
    const top = (await search.search(query)).results[0]!.source;
    copy.set(top.id, { ...copy.get(top.id)!, status: "archived" });
    expect((await fromCopy.search(query)).results.map((r) => r.source.id)).not.toContain(top.id);
    expect((await search.search(query)).results[0]!.source.id).toBe(top.id);
  });

  it("vector mode takes the kept chunks' texts from its first query; hybrid asks Chroma for ids and distances, then reads the page", async () => {
    const reads: { first: Set<string> | null; nearest: number; later: string[][] } = { first: null, nearest: 0, later: [] };
    const chunks: ChromaStore["chunks"] = {
      ...store.chunks,
      async query(...args) {
        const matches = await store.chunks.query(...args);
        reads.first ??= new Set(matches.map((m) => m.id));
        return matches;
      },
      nearest: (...args) => (reads.nearest++, store.chunks.nearest(...args)),
      texts: (ids) => (reads.later.push([...ids]), store.chunks.texts(ids)),
      records: (ids) => (reads.later.push([...ids]), store.chunks.records(ids)),
    };
    const counted = createSearch({ store: { ...store, chunks }, embedder });
    await counted.warm(); // the keyword index reads every chunk once, at its build
    for (const mode of ["vector", "hybrid"] as const) {
      for (const { query } of queries.slice(0, 6)) {
        Object.assign(reads, { first: null, nearest: 0, later: [] });
        const { results } = await counted.search({ query, mode, limit: 10 });
        expect(results.length).toBeGreaterThan(0);
        const kept = results.map((r) => r.chunk.id);
        if (mode === "vector") {
          expect(reads.first!.size).toBeGreaterThan(0);
          // Texts are read afterwards only for results the first query did not bring.
          for (const ids of reads.later) for (const id of ids) expect(!reads.first!.has(id) && kept.includes(id), `${mode} ${query}: ${id}`).toBe(true);
        } else {
          // The candidates' sources come from the keyword index: one read after, of the results alone.
          expect([reads.first, reads.nearest]).toEqual([null, 1]);
          expect(reads.later.map((ids) => [...ids].sort())).toEqual([[...kept].sort()]);
        }
        const stored = new Map((await store.chunks.records(kept)).map((r) => [r.id, r]));
        for (const r of results) expect({ text: r.text, headingPath: r.headingPath }).toEqual({ text: stored.get(r.chunk.id)!.text, headingPath: stored.get(r.chunk.id)!.headingPath });
      }
    }
  });

  it("finds, by its vector, a chunk written after the keyword index last caught up (its source read from Chroma)", async () => {
    const stale = createSearch({ store, embedder, lexicalRefreshMs: 3_600_000 });
    await stale.warm();
    const ingester = createIngester({ db, store, embedder });
    const content = "# Okapi husbandry\n\nOkapi calves hide in dense undergrowth for weeks; keepers weigh them with a sling scale.\n";
    const added = await ingester.ingestDocument({ url: "https://example.test/okapi-husbandry", content, format: "markdown" }, { sourceType: "documentation" });
    await sync.syncSources();
    try {
      const { results } = await stale.search({ query: "okapi calves undergrowth", limit: 10, explain: true });
      const found = results.find((r) => r.source.url === "https://example.test/okapi-husbandry");
      // Not in the keyword index yet (it catches up hourly here), so found by the vector half alone.
      expect(found).toMatchObject({ explain: { lexicalRank: null, vectorRank: 1 }, headingPath: ["Okapi husbandry"] });
      expect(found!.text).toContain("sling scale");
      // A search that catches up sees it in both halves.
      const fresh = await createSearch({ store, embedder }).search({ query: "okapi calves undergrowth", limit: 10, explain: true });
      expect(fresh.results[0]).toMatchObject({ source: { url: "https://example.test/okapi-husbandry" }, explain: { lexicalRank: 1, vectorRank: 1 } });
    } finally {
      await store.chunks.deleteSources([added.sourceId]);
      await db.sources.delete(added.sourceId);
      await sync.syncSources();
    }
  });

  it("re-ingesting the unchanged corpus writes nothing", async () => {
    const chunksBefore = await store.chunks.tally();
    const sourcesBefore = (await db.sources.list({ limit: 1000 })).items;
    const documents = await ingestCorpus(db, store);
    expect(new Set(documents.map((d) => d.outcome))).toEqual(new Set(["unchanged"]));
    expect(await store.chunks.tally()).toEqual(chunksBefore);
    // Not even an update with the same values: updatedAt would move.
    expect((await db.sources.list({ limit: 1000 })).items).toEqual(sourcesBefore);
  });

  it("refuses to query with another embedder than the one that made the chunks", async () => {
    const impostor: Embedder = { id: "openai:text-embedding-3-small", dimension: LOCAL_EMBEDDER_DIMENSION, embed: embedder.embed };
    await expect(createSearch({ store, embedder: impostor }).search({ query: "dns" })).rejects.toMatchObject({
      code: "EMBEDDER_MISMATCH",
      message: expect.stringContaining("local:hash-v1"),
    });
    await expect(createIngester({ db, store, embedder: impostor }).ingestFiles([manifest[0]!.file], { root: CORPUS_DIR })).rejects.toMatchObject({
      code: "EMBEDDER_MISMATCH",
    });
  });

  it("gives identical results after PostgreSQL is stopped", async () => {
    const probe = queries.slice(0, 20).map(({ query }, i) => ({ query, limit: 5 + (i % 3) }));
    probe.push({ query: "security", limit: 10, sourceType: "documentation" } as never, { query: "performance", limit: 8, authorityTier: "tier_3_community" } as never);
    probe.push(...queries.slice(0, 5).flatMap(({ query }) => [{ query, mode: "lexical" } as never, { query, mode: "vector" } as never, { query: `"${query.split(" ")[0]}"`, explain: true } as never]));
    const online = await Promise.all(probe.map((q) => search.search(q)));
    await postgres.stop();
    try {
      const offline = await Promise.all(probe.map((q) => search.search(q)));
      expect(offline.map((r) => r.results)).toEqual(online.map((r) => r.results));
      expect(offline.every((r) => r.results.length > 0)).toBe(true);
    } finally {
      await postgres.start();
    }
  });
});

describe("ingesting a changed file", () => {
  it("replaces exactly its old chunks, and a crash between write and cleanup is repaired by the next run", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const dir = await mkdtemp(path.join(tmpdir(), "kmcp-ingest-"));
    try {
      const file = path.join(dir, "guide.md");
      await cp(path.join(CORPUS_DIR, manifest.find((e) => e.file.endsWith(".md"))!.file), file);
      const other = path.join(dir, "other.md");
      await writeFile(other, "# Other\n\nA second document whose chunks must stay untouched.\n");
      const ingester = createIngester({ db, store, embedder });
      const first = await ingester.ingestFiles([dir]);
      expect(first.totals).toMatchObject({ added: 2, sourcesCreated: 2 });
      const guide = first.documents.find((d) => d.path === file)!;
      const oldIds = (await store.chunks.ofSource(guide.sourceId)).map((c) => c.id);
      const otherIds = (await store.chunks.ofSource(first.documents.find((d) => d.path === other)!.sourceId)).map((c) => c.id);

      const content = await readFile(file, "utf8");
      await writeFile(file, `${content}\n\n## Appendix\n\nA new closing section about zebra migration patterns.\n`);
      const second = await ingester.ingestFiles([dir]);
      expect(second.documents.map((d) => [path.basename(d.path!), d.outcome])).toEqual([
        ["guide.md", "replaced"],
        ["other.md", "unchanged"],
      ]);
      const now = await store.chunks.ofSource(guide.sourceId);
      expect(now.map((c) => c.index)).toEqual(now.map((_, i) => i));
      expect(now.some((c) => oldIds.includes(c.id))).toBe(false);
      expect(second.documents[0]).toMatchObject({ chunks: now.length, removed: oldIds.length, sourceCreated: false });
      expect((await store.chunks.ofSource(first.documents.find((d) => d.path === other)!.sourceId)).map((c) => c.id)).toEqual(otherIds);
      expect(await store.chunks.count()).toBe(now.length + otherIds.length);

      // A crash after the new chunks were written but before the old ones were removed:
      // put old-version chunks back, as they would have been left.
      const leftovers = oldIds.slice(0, 2).map((id, i) => ({ id, sourceId: guide.sourceId, contentHash: "old", index: i, count: oldIds.length, text: "stale", headingPath: [], embedding: new Array(LOCAL_EMBEDDER_DIMENSION).fill(0.01) }));
      await store.chunks.upsert({ embedder: embedder.id, dimension: LOCAL_EMBEDDER_DIMENSION }, leftovers);
      const repaired = await ingester.ingestFiles([file], { root: dir });
      expect(repaired.documents[0]).toMatchObject({ outcome: "replaced", removed: 2 });
      expect((await store.chunks.ofSource(guide.sourceId)).map((c) => c.id)).toEqual(now.map((c) => c.id));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("checks every path before writing anything", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const ingester = createIngester({ db, store, embedder });
    await expect(ingester.ingestFiles([manifest[0]!.file, "no-such-file.md", "../package.json"], { root: CORPUS_DIR })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/no-such-file\.md: no such file.*package\.json: not a Markdown/),
    });
    await expect(ingester.ingestFiles(["*.md"], { root: CORPUS_DIR, sourceType: "podcast" as never })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await db.sources.count()).toBe(0);
    expect(await store.chunks.count()).toBe(0);
  });

  it("names sources by base URL, updates type and tier when asked, and ingests text given directly", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const ingester = createIngester({ db, store, embedder });
    const report = await ingester.ingestFiles(["http-caching-headers.md"], { root: CORPUS_DIR, baseUrl: "https://docs.example.test/kb" });
    expect(report.documents[0]).toMatchObject({ url: "https://docs.example.test/kb/http-caching-headers.md", outcome: "added" });
    const created = await db.sources.get("https://docs.example.test/kb/http-caching-headers.md");
    expect(created).toMatchObject({ sourceType: "documentation", authorityTier: "tier_2_trusted", status: "active" });

    // Same file, new tier: the source changes, the chunks do not.
    const retiered = await ingester.ingestFiles(["http-caching-headers.md"], { root: CORPUS_DIR, baseUrl: "https://docs.example.test/kb/", authorityTier: "tier_1_canonical" });
    expect(retiered.documents[0]).toMatchObject({ outcome: "unchanged", sourceCreated: false });
    expect(await db.sources.get(created!.id)).toMatchObject({ authorityTier: "tier_1_canonical" });

    const direct = await ingester.ingestDocument(
      { url: "https://notes.example.test/runbook", content: "# Runbook\n\n## Restart\n\nRestart the worker with systemctl.\n", format: "markdown" },
      { sourceType: "website" },
    );
    expect(direct).toMatchObject({ title: "Runbook", outcome: "added", chunks: 1, sourceCreated: true });
    expect((await store.chunks.ofSource(direct.sourceId)).length).toBe(1);
    // Titles are made acceptable to a source: one line, no control characters, whole characters.
    const odd = await ingester.ingestDocument({ url: "https://notes.example.test/odd", content: `# x${"🙂".repeat(300)}\n\nbody`, format: "markdown" });
    expect(odd.title).toBe(`x${"🙂".repeat(249)}`);
    const tabbed = await ingester.ingestDocument({ url: "https://notes.example.test/tabbed", content: "x", format: "text", title: "A\ttitle\u0007 here" });
    expect(tabbed.title).toBe("A title here");
    await expect(ingester.ingestDocument({ url: "ftp://x.test/a", content: "x", format: "markdown" })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(ingester.ingestFiles(["aria-accessibility-basics.md"], { root: CORPUS_DIR, baseUrl: "ftp://nope" })).rejects.toMatchObject({ code: "VALIDATION" });
  });
});
