// Runs one crawl in a process of its own, so its peak memory is the crawl's alone.
// argv: mode (kmcp | engine) DATABASE_URL CHROMA_URL collectionPrefix startUrl → prints one JSON line.
// kmcp: the whole crawl (PostgreSQL frontier, extraction, embedding, Chroma); engine: the crawler
// alone, with a sink that keeps nothing (links, politeness and fetching only).
import { createChromaStore } from "@kmcp/chroma-store";
import { silentLogger, CrawlScopeSchema } from "@kmcp/core";
import { crawlSite } from "@kmcp/crawl";
import { createDb } from "@kmcp/db";
import { createCrawl } from "@kmcp/runtime";
import { createLocalEmbedder } from "@kmcp/search";
import { createSyncManager } from "@kmcp/sync-core";

const [mode, url, chromaUrl, prefix, startUrl] = process.argv.slice(2) as [string, string, string, string, string];
const scope = { maxPages: 100_000, concurrency: 3 };
let peakRss = process.memoryUsage.rss();
// memoryUsage.rss() alone: the full memoryUsage() walks the heap spaces, a cost the crawl would pay 50 times a second.
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
const started = performance.now();
const cpuBefore = process.cpuUsage();
let pages: number;
let chunks = 0;
if (mode === "engine") {
  const run = await crawlSite({
    startUrl,
    scope: CrawlScopeSchema.parse(scope),
    pending: [],
    known: [],
    settled: 0,
    seed: true,
    sink: { discover: async () => {}, store: async () => ({ status: "stored", title: null, contentHash: null, chunks: 0 }), remove: async () => {}, settle: async () => {} },
    fetchOptions: { allowPrivate: true },
  });
  pages = run.counts.stored;
} else {
  const db = createDb({ url });
  await db.migrate();
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: prefix, requestTimeoutMs: 120_000 });
  const sync = createSyncManager({ db, store });
  const crawl = createCrawl({ db, store, embedder: createLocalEmbedder(), sync, logger: silentLogger, allowPrivate: true });
  const result = await crawl(startUrl, { scope });
  pages = result.run.counts.stored;
  chunks = result.job.chunks;
  await sync.stop();
  await db.close();
  await store.close();
}
const durationMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
// What the crawl still holds once garbage is collected (run with --expose-gc), apart from what a lazy collector left.
(globalThis as { gc?: () => void }).gc?.();
const heapAfterGc = process.memoryUsage().heapUsed;
process.stdout.write(`${JSON.stringify({ durationMs, cpuMs, peakRss, heapAfterGc, pages, chunks })}\n`);
