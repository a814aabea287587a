// A new process's first search, so start-up time and memory are a fresh process's alone.
// argv: CHROMA_URL collectionPrefix mode query → prints one JSON line.
import { createChromaStore } from "@kmcp/chroma-store";
import { createLocalEmbedder, createSearch, type SearchMode } from "@kmcp/search";

const [chromaUrl, prefix, mode, query] = process.argv.slice(2);
const started = performance.now();
const store = createChromaStore({ url: chromaUrl!, collectionPrefix: prefix!, requestTimeoutMs: 120_000 });
const search = createSearch({ store, embedder: createLocalEmbedder() });
const { results } = await search.search({ query: query!, limit: 10, mode: mode as SearchMode });
const firstMs = performance.now() - started;
const again = performance.now();
await search.search({ query: query!, limit: 10, mode: mode as SearchMode });
const secondMs = performance.now() - again;
global.gc?.();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ firstMs, secondMs, rss, heapUsed, results: results.length })}\n`);
await store.close();
