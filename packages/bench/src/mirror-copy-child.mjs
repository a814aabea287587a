// With PostgreSQL stopped, starts a catalog that keeps the in-memory copy of the mirror warm (as
// the MCP server does), measures what loading the copy costs, then times offline reads. A process
// of its own, so its memory is the copy's alone; plain JavaScript on the built packages.
// Run with --expose-gc. argv: DATABASE_URL CHROMA_URL collectionPrefix samples.json reps → one JSON line.
import { readFile } from "node:fs/promises";
import { createChromaStore } from "@kmcp/chroma-store";
import { encodeSourceCursor } from "@kmcp/core";
import { createDb } from "@kmcp/db";
import { createSourceCatalog, createSyncManager } from "@kmcp/sync-core";

const [url, chromaUrl, prefix, samplesFile, repsArg] = process.argv.slice(2);
const reps = Number(repsArg);
/** @type {{ id: string; url: string }[]} */
const samples = JSON.parse(await readFile(samplesFile, "utf8"));
const db = createDb({ url, connectTimeoutMs: 1_000 });
const store = createChromaStore({ url: chromaUrl, collectionPrefix: prefix, requestTimeoutMs: 300_000 });
const manager = createSyncManager({ db, store });
const mirrorSize = await store.sources.count();

// Heap plus memory outside it (typed arrays' buffers are counted in `external`), after garbage
// collection has settled: buffers are released a moment after the objects holding them.
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
};
const before = await settle();
let peakRss = before.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const started = performance.now();
const catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf, keepWarm: manager });
await catalog.whenWarm();
const loadMs = performance.now() - started;
clearInterval(sampler);
const after = await settle();
peakRss = Math.max(peakRss, after.rss);

const LIST = { sourceType: "documentation", authorityTier: "tier_1_canonical", limit: 50 };
const mirror = async (read) => {
  const answer = await read();
  if (answer.origin !== "mirror") throw new Error(`expected an answer from the mirror, got ${answer.origin}`);
  return answer;
};
// The first reads find PostgreSQL down and mark it offline; every timed read then goes to the copy.
for (let i = 0; i < 5; i++) await mirror(() => catalog.list(LIST));
const time = async (fn) => {
  const samplesMs = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn(i);
    samplesMs.push(performance.now() - t);
  }
  return samplesMs;
};
const sample = (i) => samples[i % samples.length];
const list = await time(() => mirror(() => catalog.list(LIST)));
const listFrom = await time((i) => mirror(() => catalog.list({ ...LIST, cursor: encodeSourceCursor(sample(i).url) })));
const getById = await time(async (i) => {
  if ((await mirror(() => catalog.get(sample(i).id))).source?.id !== sample(i).id) throw new Error("get by id missed");
});
const getByUrl = await time(async (i) => {
  if ((await mirror(() => catalog.get(sample(i).url))).source?.url !== sample(i).url) throw new Error("get by url missed");
});
const out = { mirrorSize, loadMs, heldBefore: before.held, heldAfter: after.held, rssBefore: before.rss, rssAfter: after.rss, peakRss, list, listFrom, getById, getByUrl };
process.stdout.write(`${JSON.stringify(out)}\n`);
await db.close();
