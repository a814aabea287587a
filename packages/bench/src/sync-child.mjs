// Runs one full sync in a process of its own, so its peak memory is the sync's alone. Plain
// JavaScript on the built packages, as `kmcp sync run --full` runs (tsx alone adds ~35 MB RSS).
// argv: DATABASE_URL CHROMA_URL collectionPrefix batchSize → prints one JSON line.
import { createChromaStore } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { createSyncManager } from "@kmcp/sync-core";

const [url, chromaUrl, prefix, batchSize] = process.argv.slice(2);
const db = createDb({ url });
const store = createChromaStore({ url: chromaUrl, collectionPrefix: prefix, requestTimeoutMs: 300_000 });
const manager = createSyncManager({ db, store, batchSize: Number(batchSize) });
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const started = performance.now();
const report = await manager.syncSources({ mode: "full" });
const durationMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ durationMs, peakRss, upserted: report.upserted })}\n`);
await db.close();
