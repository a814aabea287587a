import type { ChromaStore } from "@kmcp/chroma-store";
import { CrawlScopeSchema, silentLogger } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { createLocalEmbedder, createSearch } from "@kmcp/search";
import type { OfflineSyncManager } from "@kmcp/sync-core";
import { startFixtureSite, type FixtureSite } from "@kmcp/testing/site";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countStaleSites, createCrawl, createRefreshSources } from "../src/index.js";
import { privateStores, type PrivateStores } from "./private-stores.js";

const embedder = createLocalEmbedder();
const pathsOf = (urls: readonly string[]) => urls.map((u) => new URL(u).pathname).sort();

describe("crawling a site into one source", () => {
  let postgres: PrivateStores["postgres"];
  let db: Db;
  let store: ChromaStore;
  let sync: OfflineSyncManager;
  let site: FixtureSite;
  let crawl: ReturnType<typeof createCrawl>;

  beforeAll(async () => {
    ({ postgres, db, store, sync } = await privateStores());
    site = await startFixtureSite({ sections: 3, pagesPerSection: 8 });
    crawl = createCrawl({ db, store, embedder, sync, logger: silentLogger, allowPrivate: true });
  });
  afterAll(() => site?.close());

  const search = () => createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf, lexicalRefreshMs: 0 });

  it("stores exactly the site's pages under one source; search cites each page's url and title", async () => {
    const result = await crawl(site.start, { scope: { maxPages: 200 } });
    expect(result).toMatchObject({ sourceCreated: true, resumed: false, status: "completed", stopReason: null });
    const pages = await db.crawls.pages(result.sourceId);
    const stored = pages.filter((p) => p.status === "stored");
    expect(pathsOf(stored.map((p) => p.url))).toEqual(site.expectedPaths());
    expect(pages.find((p) => p.url.endsWith("/docs/private/secret.html"))?.status).toBe("skipped");
    expect(pages.some((p) => p.url.includes("/blog/") || p.url.includes("external.test"))).toBe(false);
    const chunks = await store.chunks.ofSource(result.sourceId);
    expect(chunks.length).toBe(stored.reduce((n, p) => n + p.chunkCount, 0));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
    expect(result.job).toMatchObject({ stored: stored.length, failed: 0, pending: 0, chunks: chunks.length });

    const source = await db.sources.get(site.start);
    expect(source).toMatchObject({ status: "active", title: "Docs home" });
    expect(source?.lastCrawledAt).toBeInstanceOf(Date);
    const { results } = await search().search({ query: "sect1page5", limit: 1 });
    expect(results[0]).toMatchObject({ source: { url: `${site.base}/docs` }, document: { url: `${site.base}/docs/s1/p5.html`, title: "Page 1.5" } });
    expect((await search().search({ query: "footer-only-phrase", mode: "lexical" })).results).toEqual([]);
  });

  it("refuses a second crawl of the site while one holds it, fetching nothing", async () => {
    const held = await db.crawls.lock(`${site.base}/docs`);
    site.reset();
    try {
      await expect(crawl(site.start)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already running") });
      expect(site.requests).toEqual([]);
    } finally {
      await held?.release();
    }
  });

  it("refresh: one conditional request per unchanged page and no chunk writes; a changed page replaced; a vanished page's chunks gone", async () => {
    const source = await db.sources.get(site.start);
    const before = await store.chunks.ofSource(source!.id);
    const gone = `${site.base}/docs/s2/p7.html`;
    const changed = `${site.base}/docs/s0/p3.html`;
    expect(await store.chunks.ofPage(source!.id, gone)).not.toEqual([]);
    site.change("/docs/s0/p3.html", "A brand new paragraph about the okapi migration window.");
    site.remove("/docs/s2/p7.html");
    site.reset();
    const refresh = createRefreshSources({ db, crawl });
    expect(await refresh({ olderThanMs: 60 * 60_000 })).toEqual([]); // crawled a moment ago: not due
    const [refreshed] = await refresh({ sourceId: source!.id });
    expect(refreshed?.result).toMatchObject({ status: "completed", resumed: false, run: { counts: { stored: 1, gone: 2 } } }); // p7, and /docs/missing.html (404 every time)

    const pageRequests = site.requests.filter((r) => r.status !== 301 && /^\/docs\//.test(r.path) && r.path !== "/docs/logo.png");
    const fetchedAgain = pageRequests.filter((r) => r.status === 200).map((r) => r.path);
    expect(fetchedAgain).toEqual(["/docs/s0/p3.html"]);
    expect(pageRequests.filter((r) => r.status === 304).length).toBe(site.expectedPaths().length - 1);
    expect(pageRequests.every((r) => r.status === 404 || r.ifNoneMatch !== null)).toBe(true);

    const after = await store.chunks.ofSource(source!.id);
    expect(await store.chunks.ofPage(source!.id, gone)).toEqual([]);
    const untouched = before.filter((c) => c.url !== gone && c.url !== changed);
    expect(after.filter((c) => c.url !== changed)).toEqual(untouched);
    const { results } = await search().search({ query: "okapi migration window", limit: 1 });
    expect(results[0]?.document?.url).toBe(changed);
  });

  it("counts a site as stale once its last successful crawl is older than the budget, and a site whose first crawl runs not at all", async () => {
    const hour = 60 * 60_000;
    expect(await countStaleSites(db, hour)).toBe(0); // crawled a moment ago
    expect(await countStaleSites(db, hour, Date.now() + 2 * hour)).toBe(1);

    const first = await db.sources.create({ url: `${site.base}/first-crawl/`, title: "First crawl", sourceType: "documentation", authorityTier: "tier_2_trusted" });
    const job = await db.crawls.startJob({ sourceId: first.id, scope: CrawlScopeSchema.parse({}) });
    expect(await countStaleSites(db, hour)).toBe(0); // never crawled, but its first crawl is running
    await db.crawls.finishJob(job.id, { status: "stopped", stopReason: "gave up" });
    expect(await countStaleSites(db, hour)).toBe(1); // never crawled successfully
  });

  it("search with PostgreSQL stopped returns the same pages", async () => {
    const query = { query: "sect2page3 explains", limit: 5 };
    const online = (await search().search(query)).results.map((r) => [r.document?.url, r.chunk.id]);
    expect(online.length).toBeGreaterThan(0);
    await postgres.stop();
    try {
      const offline = (await search().search(query)).results.map((r) => [r.document?.url, r.chunk.id]);
      expect(offline).toEqual(online);
    } finally {
      await postgres.start();
    }
  });
});
