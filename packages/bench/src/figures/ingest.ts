import { readFile } from "node:fs/promises";
import { chunkMetadata, createChromaStore, type ChromaStore, type ChunkInput } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { detectDocumentKind, extractDocument } from "@kmcp/extract";
import { createIngester, createLocalEmbedder, type Embedder } from "@kmcp/search";
import { ChromaClient } from "chromadb";
import type { Figure, Measurement } from "../report.js";
import { round } from "../stats.js";
import { measureAcquire } from "./acquire.js";
import { writeCorpus } from "./ingest-documents.js";

/** Time spent inside the embedder and the chunk store's upserts, and the chunks each upsert wrote. */
interface Phases {
  embedMs: number;
  upsertMs: number;
  batches: ChunkInput[][];
}

/** The store and embedder with their calls timed: what the ingest spends embedding and writing to Chroma. */
function instrument(store: ChromaStore, embedder: Embedder, phases: Phases) {
  const timed = async <T>(key: "embedMs" | "upsertMs", run: () => Promise<T>) => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      phases[key] += performance.now() - started;
    }
  };
  return {
    embedder: { id: embedder.id, dimension: embedder.dimension, embed: (texts: readonly string[]) => timed("embedMs", () => embedder.embed(texts)) },
    store: {
      ...store,
      chunks: {
        ...store.chunks,
        upsert: (space: Parameters<ChromaStore["chunks"]["upsert"]>[0], chunks: readonly ChunkInput[]) => {
          phases.batches.push([...chunks]);
          return timed("upsertMs", () => store.chunks.upsert(space, chunks));
        },
      },
    } satisfies ChromaStore,
  };
}

/**
 * The floor: the chunks the ingest wrote (same ids, vectors, texts, metadata) added straight to a
 * fresh cosine collection with the chromadb client, `groups` calls; the collection is dropped after.
 */
async function rawAddRate(chromaUrl: string, name: string, groups: readonly ChunkInput[][]): Promise<number> {
  const { hostname, port } = new URL(chromaUrl);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
  const collection = await client.createCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } });
  let count = 0;
  const started = performance.now();
  for (const group of groups) {
    await collection.add({
      ids: group.map((c) => c.id),
      embeddings: group.map((c) => c.embedding),
      documents: group.map((c) => c.text),
      metadatas: group.map(chunkMetadata),
    });
    count += group.length;
  }
  const rate = count / ((performance.now() - started) / 1000);
  await client.deleteCollection({ name });
  return rate;
}

async function maxBatchSize(chromaUrl: string): Promise<number> {
  const { hostname, port } = new URL(chromaUrl);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false }).getMaxBatchSize();
}

/** Reading, detecting and extracting every file once more, alone: the extraction share of the ingest. */
async function extractMs(files: readonly string[]): Promise<number> {
  const started = performance.now();
  for (const file of files) {
    const bytes = await readFile(file);
    const kind = detectDocumentKind({ bytes, fileName: file });
    if (!kind) throw new Error(`${file}: not detected`);
    await extractDocument({ bytes, kind });
  }
  return performance.now() - started;
}

interface KindRun {
  kind: string;
  files: number;
  chunks: number;
  rate: number;
  phases: Phases & { extractMs: number; totalMs: number };
  raw: number;
  rawPerDocument: number;
}

/** Ingest `files` into a fresh chunk collection, then add the same chunks raw, at the chunk store's batch size and one call per document. */
async function ingestKind(options: { url: string; chromaUrl: string; kind: string; files: string[]; root: string; batch: number }): Promise<KindRun> {
  const { url, chromaUrl, kind, files, root, batch } = options;
  const db = createDb({ url });
  await db.migrate();
  const phases: Phases = { embedMs: 0, upsertMs: 0, batches: [] };
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: `bench_ingest_${kind}_`, requestTimeoutMs: 120_000 });
  try {
    const ingester = createIngester({ db, ...instrument(store, createLocalEmbedder(), phases) });
    const started = performance.now();
    const report = await ingester.ingestFiles(files, { root });
    const totalMs = performance.now() - started;
    if (report.failed.length > 0 || report.totals.added !== files.length) throw new Error(`${kind} ingest is off: ${JSON.stringify(report.totals)} ${JSON.stringify(report.failed[0])}`);
    const chunks = report.totals.chunksWritten;
    const all = phases.batches.flat();
    const groups = Array.from({ length: Math.ceil(all.length / batch) }, (_, i) => all.slice(i * batch, (i + 1) * batch));
    const raw = await rawAddRate(chromaUrl, `bench_raw_${kind}`, groups);
    const rawPerDocument = await rawAddRate(chromaUrl, `bench_raw_doc_${kind}`, phases.batches);
    return { kind, files: files.length, chunks, rate: chunks / (totalMs / 1000), phases: { ...phases, extractMs: await extractMs(files), totalMs }, raw, rawPerDocument };
  } finally {
    await db.close();
  }
}

/** Where one kind's ingest time went, in seconds and shares. */
function breakdown(run: KindRun): string {
  const { totalMs, extractMs: extract, embedMs, upsertMs } = run.phases;
  const rest = totalMs - extract - embedMs - upsertMs;
  const part = (label: string, ms: number) => `${label} ${(ms / 1000).toFixed(1)} s (${Math.round((100 * ms) / totalMs)} %)`;
  return (
    `${run.kind.toUpperCase()} ingest, ${(totalMs / 1000).toFixed(1)} s: ` +
    [part("extract", extract), part("embed", embedMs), part("Chroma upserts", upsertMs), part("the rest (chunking, page placement, PostgreSQL, hashing)", rest)].join(", ") +
    `. The same adds one call per document took ${(run.chunks / run.rawPerDocument).toFixed(1)} s raw; the difference is the chunk store's own work per upsert (validating the vectors, checking the space, bumping the collection's version). Extraction is timed in a second pass over the same files; embed and upserts inside the ingest.`
  );
}

/** Figure 8: ingest throughput of HTML and PDF against raw Chroma adds, and the time to acquire one 50-page PDF. */
export async function measureIngest(options: {
  database: (name: string) => Promise<string>;
  chromaUrl: string;
  dir: string;
  html: number;
  pdf: number;
  pdfPageCount: number;
  acquireReps: number;
}): Promise<Figure> {
  const { database, chromaUrl, dir, acquireReps } = options;
  const corpus = await writeCorpus(dir, { html: options.html, pdf: options.pdf, pdfPageCount: options.pdfPageCount });
  const batch = await maxBatchSize(chromaUrl);
  const runs: KindRun[] = [];
  for (const [kind, files] of [["html", corpus.html], ["pdf", corpus.pdf]] as const) {
    runs.push(await ingestKind({ url: await database(`ingest_${kind}`), chromaUrl, kind, files: [...files], root: dir, batch }));
  }
  const acquire = await measureAcquire({ url: await database("acquire"), chromaUrl, pageCount: 50, reps: acquireReps });

  const measurements: Measurement[] = runs.flatMap((run) => {
    const workload = `${run.files} ${run.kind.toUpperCase()} files, ${run.chunks} chunks`;
    return [
      { label: `ingestFiles, ${run.kind.toUpperCase()} (extract + chunk + embed + write)`, workload, reps: 1, median: run.rate, unit: "chunks/s" },
      { label: `baseline: raw Chroma add of the same vectors, batches of ${batch}`, workload, reps: 1, median: run.raw, unit: "chunks/s" },
      { label: "raw Chroma add, one call per document (as the ingest writes)", workload, reps: 1, median: run.rawPerDocument, unit: "chunks/s" },
    ];
  });
  return {
    title: "8. Ingest and acquire",
    measurements: [...measurements, ...acquire.measurements],
    ratios: [
      ...runs.map((run) => ({ label: `${run.kind.toUpperCase()} ingest / raw add`, value: round(run.rate / run.raw), target: "≥ 0.7", met: run.rate / run.raw >= 0.7 })),
      ...acquire.ratios,
    ],
    notes: [
      `Embedder: the built-in local one (${createLocalEmbedder().dimension} dimensions). Each kind is ingested into a fresh database and chunk collection; the baselines add the very chunks the ingest wrote (ids, vectors, texts, metadata) to a fresh cosine collection right after it, at the chunk store's batch size (the server's maximum) and, for context, one call per document as the ingest makes them.`,
      `HTML: generated documentation pages with nav and footer boilerplate and four sections of three paragraphs; PDF: ${options.pdfPageCount}-page PDFs of text made with pdf-lib.`,
      ...runs.map(breakdown),
      ...acquire.notes,
    ],
  };
}
