// A new process's first search, so start-up time and memory are a fresh process's alone.
// argv: CHROMA_URL collectionPrefix mode query [snapshotFile] → prints one JSON line. With a
// snapshot file the keyword index starts from it (and writes it, if it had to build from Chroma).
import { existsSync } from "node:fs";
import { createChromaStore } from "@kmcp/chroma-store";
import { createFileSnapshotStore, createLocalEmbedder, createSearch, type SearchMode } from "@kmcp/search";

const [chromaUrl, prefix, mode, query, snapshotFile] = process.argv.slice(2);
const started = performance.now();
const store = createChromaStore({ url: chromaUrl!, collectionPrefix: prefix!, requestTimeoutMs: 120_000 });
const hadSnapshot = snapshotFile !== undefined && existsSync(snapshotFile);
const search = createSearch({ store, embedder: createLocalEmbedder(), ...(snapshotFile ? { lexicalSnapshot: createFileSnapshotStore(snapshotFile) } : {}) });
const { results } = await search.search({ query: query!, limit: 10, mode: mode as SearchMode });
const firstMs = performance.now() - started;
global.gc?.();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ firstMs, rss, heapUsed, results: results.length, hadSnapshot })}\n`);
// The snapshot is written a little after the first answer; wait for it (at most 5 minutes).
if (snapshotFile && !hadSnapshot) {
  const waitUntil = performance.now() + 300_000;
  const keepAlive = setInterval(() => {}, 1_000);
  while (!existsSync(snapshotFile) && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 200));
  clearInterval(keepAlive);
}
await store.close();
