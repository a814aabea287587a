import { readFile } from "node:fs/promises";
import { chunkMetadata, createChromaStore, type ChromaStore, type ChunkInput } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { detectDocumentKind, extractDocument } from "@kmcp/extract";
import { createIngester, createLocalEmbedder, defaultPrepareThreads } from "@kmcp/search";
import { ChromaClient } from "chromadb";
import type { Figure, Measurement } from "../report.js";
import { round } from "../stats.js";
import { measureAcquire } from "./acquire.js";
import { writeCorpus } from "./ingest-documents.js";

/** Each upsert the ingest made: how long, which chunks. */
interface Phases {
  upserts: { ms: number; chunks: ChunkInput[] }[];
}

/** The store with its upserts timed. (The embedder is the local one itself, so the ingest's threads compute its vectors.) */
function instrument(store: ChromaStore, phases: Phases) {
  return {
    store: {
      ...store,
      chunks: {
        ...store.chunks,
        upsert: async (space: Parameters<ChromaStore["chunks"]["upsert"]>[0], chunks: readonly ChunkInput[]) => {
          const started = performance.now();
          const written = await store.chunks.upsert(space, chunks);
          phases.upserts.push({ ms: performance.now() - started, chunks: [...chunks] });
          return written;
        },
      },
    } satisfies ChromaStore,
  };
}

/** CPU time (user + system, ms) a process has used so far, read from /proc; null where that cannot be read. */
async function processCpuMs(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    // utime and stime, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * What `run` cost: wall time, this process's CPU time (all its threads) and the Chroma server's, in
 * ms; and how busy the main thread's event loop was (0–1).
 */
async function costOf<T>(chromaPid: number | undefined, run: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number; chromaCpuMs: number | null; mainBusy: number }> {
  const chromaBefore = await processCpuMs(chromaPid);
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const mainBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  const chromaAfter = await processCpuMs(chromaPid);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, chromaCpuMs: chromaBefore === null || chromaAfter === null ? null : chromaAfter - chromaBefore, mainBusy };
}

/**
 * The floor: the chunks the ingest wrote (same ids, vectors, texts, metadata) added straight to a
 * fresh cosine collection with the chromadb client, `groups` calls; the collection is dropped after.
 */
async function rawAdd(chromaUrl: string, chromaPid: number | undefined, name: string, groups: readonly ChunkInput[][]) {
  const { hostname, port } = new URL(chromaUrl);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
  const collection = await client.createCollection({ name, embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } });
  const count = groups.reduce((sum, group) => sum + group.length, 0);
  const cost = await costOf(chromaPid, async () => {
    for (const group of groups) {
      await collection.add({
        ids: group.map((c) => c.id),
        embeddings: group.map((c) => c.embedding),
        documents: group.map((c) => c.text),
        metadatas: group.map(chunkMetadata),
      });
    }
  });
  await client.deleteCollection({ name });
  return { rate: count / (cost.wallMs / 1000), ...cost };
}

async function maxBatchSize(chromaUrl: string): Promise<number> {
  const { hostname, port } = new URL(chromaUrl);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false }).getMaxBatchSize();
}

/** Reading, detecting and extracting every file once more, alone: the CPU time (ms) of the extraction share of the ingest. */
async function extractCpuMs(files: readonly string[]): Promise<number> {
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

/** Embedding the chunks' texts once more, alone: about the CPU time (ms) of the embedding share of the ingest. */
async function embedCpuMs(chunks: readonly ChunkInput[]): Promise<number> {
  const before = process.cpuUsage();
  await createLocalEmbedder().embed(chunks.map((chunk) => `${chunk.headingPath.join(" > ")}\n\n${chunk.text}`));
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

type Cost = Awaited<ReturnType<typeof costOf>>;

interface KindRun {
  kind: string;
  /** The ingest's preparation threads. */
  threads: number;
  files: number;
  chunks: number;
  rate: number;
  ingest: Omit<Cost, "result">;
  phases: Phases & { extractCpuMs: number; embedCpuMs: number };
  raw: Awaited<ReturnType<typeof rawAdd>>;
  rawInBatches: Awaited<ReturnType<typeof rawAdd>>;
  /** The same ingest with the other setting (no preparation thread when the default has some, else one), into another fresh collection: chunks/s, and its cost. */
  otherThreads: number;
  otherRate: number;
  other: Omit<Cost, "result">;
}

const threadsText = (threads: number) => (threads === 0 ? "every step in the main thread" : `${threads} preparation thread${threads === 1 ? "" : "s"}`);

/** Ingest `files` into a fresh database and chunk collection with `threads` preparation threads. */
async function ingestOnce(options: { url: string; chromaUrl: string; chromaPid: number | undefined; name: string; files: string[]; root: string; threads: number }) {
  const { url, chromaUrl, chromaPid, name, files, root, threads } = options;
  const db = createDb({ url });
  await db.migrate();
  const phases: Phases = { upserts: [] };
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: `bench_ingest_${name}_`, requestTimeoutMs: 120_000 });
  try {
    const ingester = createIngester({ db, embedder: createLocalEmbedder(), prepareThreads: threads, ...instrument(store, phases) });
    const { result: report, ...ingest } = await costOf(chromaPid, () => ingester.ingestFiles(files, { root }));
    if (report.failed.length > 0 || report.totals.added !== files.length) throw new Error(`${name} ingest is off: ${JSON.stringify(report.totals)} ${JSON.stringify(report.failed[0])}`);
    return { chunks: report.totals.chunksWritten, ingest, phases };
  } finally {
    await db.close();
  }
}

/**
 * Ingest `files` into a fresh chunk collection with the default preparation threads, then add the
 * same chunks raw, at the chunk store's batch size and in the ingest's own batches; then ingest
 * them again with the other threading (none if the default has threads, else one), for context.
 */
async function ingestKind(options: { database: (name: string) => Promise<string>; chromaUrl: string; chromaPid: number | undefined; kind: string; files: string[]; root: string; batch: number }): Promise<KindRun> {
  const { database, chromaUrl, chromaPid, kind, files, root, batch } = options;
  // As `kmcp ingest` does: KMCP_INGEST_THREADS when set, else @kmcp/search's default.
  const threads = process.env.KMCP_INGEST_THREADS === undefined ? defaultPrepareThreads() : Number(process.env.KMCP_INGEST_THREADS);
  const { chunks, ingest, phases } = await ingestOnce({ url: await database(`ingest_${kind}`), chromaUrl, chromaPid, name: kind, files, root, threads });
  const all = phases.upserts.flatMap((upsert) => upsert.chunks);
  const groups = Array.from({ length: Math.ceil(all.length / batch) }, (_, i) => all.slice(i * batch, (i + 1) * batch));
  const raw = await rawAdd(chromaUrl, chromaPid, `bench_raw_${kind}`, groups);
  const rawInBatches = await rawAdd(chromaUrl, chromaPid, `bench_raw_batches_${kind}`, phases.upserts.map((upsert) => upsert.chunks));
  const otherThreads = threads === 0 ? 1 : 0;
  const other = await ingestOnce({ url: await database(`ingest_${kind}_other`), chromaUrl, chromaPid, name: `${kind}_other`, files, root, threads: otherThreads });
  return {
    kind,
    threads,
    files: files.length,
    chunks,
    rate: chunks / (ingest.wallMs / 1000),
    ingest,
    phases: { ...phases, extractCpuMs: await extractCpuMs(files), embedCpuMs: await embedCpuMs(all) },
    raw,
    rawInBatches,
    otherThreads,
    otherRate: other.chunks / (other.ingest.wallMs / 1000),
    other: other.ingest,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where one kind's ingest time went: CPU of this process and of Chroma's, and how the writes overlapped the rest. */
function breakdown(run: KindRun): string {
  const { ingest, phases, raw } = run;
  const sizes = phases.upserts.map((upsert) => upsert.chunks.length).sort((a, b) => a - b);
  const upsertMs = phases.upserts.reduce((sum, upsert) => sum + upsert.ms, 0);
  const rest = ingest.cpuMs - phases.extractCpuMs - phases.embedCpuMs;
  const chroma = (cost: { chromaCpuMs: number | null }) => (cost.chromaCpuMs === null ? "not read" : seconds(cost.chromaCpuMs));
  return (
    `${run.kind.toUpperCase()} ingest, ${seconds(ingest.wallMs)} with ${threadsText(run.threads)}: this process used ${seconds(ingest.cpuMs)} of CPU in all its threads ` +
    `(extraction ${seconds(phases.extractCpuMs)} and embedding ${seconds(phases.embedCpuMs)}, both measured in a second pass, with their modules loaded and the embedder's word caches filled; the rest ${seconds(rest)}: chunking, page placement, PostgreSQL, hashing, encoding the Chroma requests, moving documents between threads, the threads' start, garbage collection) ` +
    `and Chroma's server ${chroma(ingest)}; the main thread's event loop was busy ${Math.round(ingest.mainBusy * 100)}% of the time. ` +
    `${phases.upserts.length} upserts (${sizes[0]}–${sizes[Math.floor(sizes.length / 2)]}–${sizes.at(-1)} chunks, min–median–max) were in flight ${seconds(upsertMs)} in all, while later files were prepared. ` +
    `The same ingest with ${threadsText(run.otherThreads)} took ${seconds(run.other.wallMs)} (this process ${seconds(run.other.cpuMs)} of CPU, Chroma ${chroma(run.other)}). ` +
    `The raw add in batches of the server's maximum took ${seconds(raw.wallMs)} (this process ${seconds(raw.cpuMs)} of CPU, Chroma ${chroma(raw)}).`
  );
}

/** Figure 8: ingest throughput of HTML and PDF against raw Chroma adds, and the time to acquire one 50-page PDF. */
export async function measureIngest(options: {
  database: (name: string) => Promise<string>;
  chromaUrl: string;
  /** The Chroma server's process, whose CPU time the notes report (Linux /proc). */
  chromaPid: number | undefined;
  dir: string;
  html: number;
  pdf: number;
  pdfPageCount: number;
  acquireReps: number;
}): Promise<Figure> {
  const { database, chromaUrl, chromaPid, dir, acquireReps } = options;
  const corpus = await writeCorpus(dir, { html: options.html, pdf: options.pdf, pdfPageCount: options.pdfPageCount });
  const batch = await maxBatchSize(chromaUrl);
  const runs: KindRun[] = [];
  for (const [kind, files] of [["html", corpus.html], ["pdf", corpus.pdf]] as const) {
    runs.push(await ingestKind({ database, chromaUrl, chromaPid, kind, files: [...files], root: dir, batch }));
  }
  const acquire = await measureAcquire({ url: await database("acquire"), chromaUrl, pageCount: 50, reps: acquireReps });

  const measurements: Measurement[] = runs.flatMap((run) => {
    const workload = `${run.files} ${run.kind.toUpperCase()} files, ${run.chunks} chunks`;
    return [
      { label: `ingestFiles, ${run.kind.toUpperCase()} (extract + chunk + embed + write)`, workload, reps: 1, median: run.rate, unit: "chunks/s" },
      { label: `baseline: raw Chroma add of the same vectors, batches of ${batch}`, workload, reps: 1, median: run.raw.rate, unit: "chunks/s" },
      { label: `raw Chroma add in the ingest's own batches (${run.phases.upserts.length} calls)`, workload, reps: 1, median: run.rawInBatches.rate, unit: "chunks/s" },
      { label: `ingestFiles with ${threadsText(run.otherThreads)} (prepareThreads: ${run.otherThreads})`, workload, reps: 1, median: run.otherRate, unit: "chunks/s" },
    ];
  });
  return {
    title: "8. Ingest and acquire",
    measurements: [...measurements, ...acquire.measurements],
    ratios: [
      ...runs.map((run) => ({ label: `${run.kind.toUpperCase()} ingest / raw add`, value: round(run.rate / run.raw.rate), target: "≥ 0.7", met: run.rate / run.raw.rate >= 0.7 })),
      ...acquire.ratios,
    ],
    notes: [
      `Embedder: the built-in local one (${createLocalEmbedder().dimension} dimensions). Each kind is ingested into a fresh database and chunk collection; the baselines add the very chunks the ingest wrote (ids, vectors, texts, metadata) to a fresh cosine collection right after it, at the chunk store's batch size (the server's maximum) and, for context, in the batches the ingest made. The ingest prepares files in groups of up to 8 (the first alone, then 2, 4, 8; their sources read in one query and created in one upsert) and writes chunks across documents: each upsert takes every document prepared while the previous one ran (up to the server's maximum), new chunks before the ones they replace. Files are read, extracted, chunked and embedded by the default preparation threads (createPreparer; KMCP_INGEST_THREADS when set, else the cores less two, 0–4: ${runs[0]?.threads ?? 0} here; with none, in the main thread, which also talks to PostgreSQL and writes); for context, the same ingest runs again with the other setting (one worker thread when the default has none, else none) into another fresh database and collection.`,
      `HTML: generated documentation pages with nav and footer boilerplate and four sections of three paragraphs; PDF: ${options.pdfPageCount}-page PDFs of text made with pdf-lib.`,
      ...runs.map(breakdown),
      ...acquire.notes,
    ],
  };
}
