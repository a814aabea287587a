// Runs one ingest (and, when asked, the raw adds of its chunks) in a process of its own, as
// `kmcp ingest` runs: plain JavaScript on the built packages, nothing loaded yet, caches empty
// (under tsx every module the ingest loads lazily would go through tsx's loader thread).
// argv: the options as JSON (IngestRepOptions in figures/ingest.ts) → prints one JSON line (IngestRep).
import { readFile } from "node:fs/promises";
import { chunkMetadata, createChromaStore } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { detectDocumentKind, extractDocument } from "@kmcp/extract";
import { createIngester, createLocalEmbedder } from "@kmcp/search";
import { ChromaClient } from "chromadb";

/** CPU time (user + system, ms) a process has used so far, read from /proc; null where that cannot be read. */
async function processCpuMs(pid) {
  if (pid === undefined) return null;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1].split(" ");
    // utime and stime, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function costOf(chromaPid, run) {
  const chromaBefore = await processCpuMs(chromaPid);
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const mainBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  const chromaAfter = await processCpuMs(chromaPid);
  return { result, cost: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, chromaCpuMs: chromaBefore === null || chromaAfter === null ? null : chromaAfter - chromaBefore, mainBusy } };
}

/** The store with its upserts timed and their chunks kept (for the raw adds). */
function instrument(store, upserts) {
  return {
    ...store,
    chunks: {
      ...store.chunks,
      upsert: async (space, chunks) => {
        const started = performance.now();
        const written = await store.chunks.upsert(space, chunks);
        upserts.push({ ms: performance.now() - started, chunks: [...chunks] });
        return written;
      },
    },
  };
}

/**
 * The floor: the chunks the ingest wrote (same ids, vectors, texts, metadata) added straight to a
 * fresh cosine collection with the chromadb client, one call per group; the collection is dropped after.
 */
async function rawAdd(chromaUrl, chromaPid, name, groups) {
  const { hostname, port } = new URL(chromaUrl);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
  const collection = await client.createCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } });
  const count = groups.reduce((sum, group) => sum + group.length, 0);
  const { cost } = await costOf(chromaPid, async () => {
    for (const group of groups) {
      await collection.add({ ids: group.map((c) => c.id), embeddings: group.map((c) => c.embedding), documents: group.map((c) => c.text), metadatas: group.map(chunkMetadata) });
    }
  });
  await client.deleteCollection({ name });
  return { rate: count / (cost.wallMs / 1000), ...cost };
}

async function extractCpuMs(files) {
  const before = process.cpuUsage();
  for (const file of files) {
    const bytes = await readFile(file);
    const kind = detectDocumentKind({ bytes, fileName: file });
    if (!kind) throw new Error(`${file}: not detected`);
    await extractDocument({ bytes, kind });
  }
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

async function embedCpuMs(chunks) {
  const before = process.cpuUsage();
  await createLocalEmbedder().embed(chunks.map((chunk) => `${chunk.headingPath.join(" > ")}\n\n${chunk.text}`));
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

/** Extraction and embedding CPU (ms), measured in a second pass with modules loaded and caches filled. */
async function detailOf(files, chunks) {
  return { extractCpuMs: await extractCpuMs(files), embedCpuMs: await embedCpuMs(chunks) };
}

/** Ingest `files` into a fresh database and chunk collection; then, if asked, add the same chunks raw. Returns the rep and the chunks written. */
async function runIngestRep(options) {
  const { name, url, chromaUrl, chromaPid, files, root, threads } = options;
  const db = createDb({ url });
  await db.migrate();
  const upserts = [];
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: `bench_ingest_${name}_`, requestTimeoutMs: 120_000 });
  let chunks;
  let ingest;
  try {
    const ingester = createIngester({ db, embedder: createLocalEmbedder(), prepareThreads: threads, store: instrument(store, upserts) });
    const { result: report, cost } = await costOf(chromaPid, () => ingester.ingestFiles(files, { root }));
    if (report.failed.length > 0 || report.totals.added !== files.length) throw new Error(`${name} ingest is off: ${JSON.stringify(report.totals)} ${JSON.stringify(report.failed[0])}`);
    chunks = report.totals.chunksWritten;
    ingest = cost;
  } finally {
    await db.close();
    await store.close();
  }
  const rep = { chunks, ingest, upserts: upserts.map((upsert) => ({ ms: upsert.ms, chunks: upsert.chunks.length })) };
  const all = upserts.flatMap((upsert) => upsert.chunks);
  if (options.raw) {
    const groups = Array.from({ length: Math.ceil(all.length / options.batch) }, (_, i) => all.slice(i * options.batch, (i + 1) * options.batch));
    rep.raw = {
      batched: await rawAdd(chromaUrl, chromaPid, `bench_raw_${name}`, groups),
      inIngestBatches: await rawAdd(chromaUrl, chromaPid, `bench_raw_batches_${name}`, upserts.map((upsert) => upsert.chunks)),
    };
  }
  return { rep, written: all };
}

const options = JSON.parse(process.argv[2]);
const { rep, written } = await runIngestRep(options);
// The same ingest again in this now warm process (modules loaded, code compiled), into another
// fresh database and collection: what the first one paid for starting up.
if (options.warmUrl) rep.warm = (await runIngestRep({ ...options, url: options.warmUrl, name: `${options.name}_warm` })).rep;
if (options.detail) rep.detail = await detailOf(options.files, written);
process.stdout.write(`${JSON.stringify(rep)}\n`);
