import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createLocalEmbedder, defaultPrepareThreads } from "@kmcp/search";
import { ChromaClient } from "chromadb";
import type { Figure, Measurement } from "../report.js";
import { median, round } from "../stats.js";
import { measureAcquire } from "./acquire.js";
import { writeCorpus } from "./ingest-documents.js";

const exec = promisify(execFile);
const child = fileURLToPath(new URL("../ingest-child.mjs", import.meta.url));

/** What one ingest (and, with `raw`, the raw adds after it) cost; made in a process of its own (ingest-child.mjs). */
interface IngestRep {
  chunks: number;
  ingest: Cost;
  /** Each upsert the ingest made: how long, how many chunks. */
  upserts: { ms: number; chunks: number }[];
  /** The same chunks added raw at the server's batch size, then in the ingest's own batches. */
  raw?: { batched: RawAdd; inIngestBatches: RawAdd };
  /** Extraction and embedding CPU (ms), measured in a second pass with modules loaded and caches filled. */
  detail?: { extractCpuMs: number; embedCpuMs: number };
  /** The same ingest and raw adds again in the same, now warm, process (with `warmUrl`). */
  warm?: IngestRep;
}

interface IngestRepOptions {
  /** Names this rep's collections (each rep writes into fresh ones). */
  name: string;
  url: string;
  chromaUrl: string;
  chromaPid: number | undefined;
  files: string[];
  root: string;
  threads: number;
  /** Chroma's maximum batch size: the raw add's batches. */
  batch: number;
  raw: boolean;
  detail: boolean;
  /** A second fresh database: ingest again there once the first ingest is done. */
  warmUrl?: string;
}

/** Wall time, this process's CPU time (all its threads) and the Chroma server's, in ms; the main thread's event-loop busy share (0–1). */
interface Cost {
  wallMs: number;
  cpuMs: number;
  chromaCpuMs: number | null;
  mainBusy: number;
}

type RawAdd = Cost & { rate: number };

async function ingestInChild(options: IngestRepOptions): Promise<IngestRep> {
  // KMCP_BENCH_CPU_PROFILE_DIR: where each rep's process writes a CPU profile (node --cpu-prof).
  const profile = process.env.KMCP_BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.KMCP_BENCH_CPU_PROFILE_DIR}`] : [];
  const { stdout } = await exec(process.execPath, [...profile, child, JSON.stringify(options)], { maxBuffer: 1 << 20, timeout: 600_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as IngestRep;
}

async function maxBatchSize(chromaUrl: string): Promise<number> {
  const { hostname, port } = new URL(chromaUrl);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false }).getMaxBatchSize();
}

interface KindRun {
  kind: string;
  /** The ingest's preparation threads. */
  threads: number;
  files: number;
  /** Each rep: an ingest and the raw adds of its chunks, in a fresh process, database and collections; the first also measures extraction and embedding alone. */
  reps: (IngestRep & { raw: NonNullable<IngestRep["raw"]>; rate: number; ratio: number })[];
  /** The same ingest with the other setting (no preparation thread when the default has some, else one), into another fresh collection: chunks/s, and its cost. */
  otherThreads: number;
  other: IngestRep;
}

const threadsText = (threads: number) => (threads === 0 ? "every step in the main thread" : `${threads} preparation thread${threads === 1 ? "" : "s"}`);

/**
 * `reps` times: ingest `files` into a fresh database and chunk collection with the default
 * preparation threads, then add the same chunks raw, at the chunk store's batch size and in the
 * ingest's own batches, each rep in a process of its own; then ingest them once more with the other
 * threading (none if the default has threads, else one), for context.
 */
async function ingestKind(options: { database: (name: string) => Promise<string>; chromaUrl: string; chromaPid: number | undefined; kind: string; files: string[]; root: string; batch: number; reps: number }): Promise<KindRun> {
  const { database, kind, reps } = options;
  // As `kmcp ingest` does: KMCP_INGEST_THREADS when set, else @kmcp/search's default.
  const threads = process.env.KMCP_INGEST_THREADS === undefined ? defaultPrepareThreads() : Number(process.env.KMCP_INGEST_THREADS);
  const common = { chromaUrl: options.chromaUrl, chromaPid: options.chromaPid, files: options.files, root: options.root, batch: options.batch };
  const runs: KindRun["reps"] = [];
  for (let rep = 0; rep < reps; rep++) {
    const name = `${kind}_${rep}`;
    const run = await ingestInChild({ ...common, name, url: await database(`ingest_${name}`), warmUrl: await database(`ingest_${name}_warm`), threads, raw: true, detail: rep === 0 });
    if (!run.raw) throw new Error(`${name}: the raw adds did not run`);
    runs.push({ ...run, raw: run.raw, rate: rateOf(run), ratio: ratioOf(run) });
  }
  const otherThreads = threads === 0 ? 1 : 0;
  const other = await ingestInChild({ ...common, name: `${kind}_other`, url: await database(`ingest_${kind}_other`), threads: otherThreads, raw: false, detail: false });
  return { kind, threads, files: options.files.length, reps: runs, otherThreads, other };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rateOf = (rep: IngestRep) => rep.chunks / (rep.ingest.wallMs / 1000);
/** An ingest's rate over its own raw add's (NaN without one): for a rep's second ingest, `ratioOf(rep.warm)`. */
const ratioOf = (rep: IngestRep | undefined) => (rep?.raw ? rateOf(rep) / rep.raw.batched.rate : Number.NaN);

/** Where one kind's ingest time went (its first rep): CPU of this process and of Chroma's, and how the writes overlapped the rest. */
function breakdown(run: KindRun): string {
  const [first] = run.reps;
  if (!first?.detail) return `${run.kind.toUpperCase()}: no rep measured.`;
  const { ingest, upserts, raw, detail } = first;
  const sizes = upserts.map((upsert) => upsert.chunks).sort((a, b) => a - b);
  const upsertMs = upserts.reduce((sum, upsert) => sum + upsert.ms, 0);
  const rest = ingest.cpuMs - detail.extractCpuMs - detail.embedCpuMs;
  const chroma = (cost: { chromaCpuMs: number | null }) => (cost.chromaCpuMs === null ? "not read" : seconds(cost.chromaCpuMs));
  const ratios = run.reps.map((rep) => rep.ratio.toFixed(2)).join(", ");
  const warm = run.reps.map((rep) => ratioOf(rep.warm).toFixed(2)).join(", ");
  return (
    `${run.kind.toUpperCase()} ingest / raw add in each of the ${run.reps.length} reps, in order: ${ratios} (the figure's ratio is their median); each rep's second ingest, in the same process once warm: ${warm}. ` +
    `The first rep, ${seconds(ingest.wallMs)} with ${threadsText(run.threads)}: the ingest's process used ${seconds(ingest.cpuMs)} of CPU in all its threads ` +
    `(extraction ${seconds(detail.extractCpuMs)} and embedding ${seconds(detail.embedCpuMs)}, both measured in a second pass, with their modules loaded and the embedder's word caches filled; the rest ${seconds(rest)}: loading modules, chunking, page placement, PostgreSQL, hashing, encoding the Chroma requests, moving documents between threads, the threads' start, garbage collection) ` +
    `and Chroma's server ${chroma(ingest)}; the main thread's event loop was busy ${Math.round(ingest.mainBusy * 100)}% of the time. ` +
    `${upserts.length} upserts (${sizes[0]}–${sizes[Math.floor(sizes.length / 2)]}–${sizes.at(-1)} chunks, min–median–max) were in flight ${seconds(upsertMs)} in all, while later files were prepared. ` +
    `The raw add in batches of the server's maximum took ${seconds(raw.batched.wallMs)} (its process ${seconds(raw.batched.cpuMs)} of CPU, Chroma ${chroma(raw.batched)}). ` +
    `The same ingest with ${threadsText(run.otherThreads)} took ${seconds(run.other.ingest.wallMs)} (its process ${seconds(run.other.ingest.cpuMs)} of CPU, Chroma ${chroma(run.other.ingest)}).`
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
  /** Ingests (each with its raw adds) per kind. */
  reps: number;
  acquireReps: number;
}): Promise<Figure> {
  const { database, chromaUrl, chromaPid, dir, acquireReps, reps } = options;
  const corpus = await writeCorpus(dir, { html: options.html, pdf: options.pdf, pdfPageCount: options.pdfPageCount });
  const batch = await maxBatchSize(chromaUrl);
  const runs: KindRun[] = [];
  for (const [kind, files] of [["html", corpus.html], ["pdf", corpus.pdf]] as const) {
    runs.push(await ingestKind({ database, chromaUrl, chromaPid, kind, files: [...files], root: dir, batch, reps }));
  }
  const acquire = await measureAcquire({ url: await database("acquire"), chromaUrl, pageCount: 50, reps: acquireReps });

  const measurements: Measurement[] = runs.flatMap((run) => {
    const workload = `${run.files} ${run.kind.toUpperCase()} files, ${run.reps[0]?.chunks ?? 0} chunks`;
    const n = run.reps.length;
    const calls = median(run.reps.map((rep) => rep.upserts.length));
    return [
      { label: `ingestFiles, ${run.kind.toUpperCase()} (extract + chunk + embed + write)`, workload, reps: n, median: median(run.reps.map((rep) => rep.rate)), unit: "chunks/s" },
      { label: `baseline: raw Chroma add of the same vectors, batches of ${batch}`, workload, reps: n, median: median(run.reps.map((rep) => rep.raw.batched.rate)), unit: "chunks/s" },
      { label: `raw Chroma add in the ingest's own batches (median ${calls} calls)`, workload, reps: n, median: median(run.reps.map((rep) => rep.raw.inIngestBatches.rate)), unit: "chunks/s" },
      { label: `ingestFiles with ${threadsText(run.otherThreads)} (prepareThreads: ${run.otherThreads})`, workload, reps: 1, median: rateOf(run.other), unit: "chunks/s" },
    ];
  });
  return {
    title: "8. Ingest and acquire",
    measurements: [...measurements, ...acquire.measurements],
    ratios: [
      ...runs.map((run) => {
        const value = median(run.reps.map((rep) => rep.ratio));
        return { label: `${run.kind.toUpperCase()} ingest / raw add (median of ${run.reps.length} pairs)`, value: round(value), target: "≥ 0.7", met: value >= 0.7 };
      }),
      ...runs.map((run) => {
        const value = median(run.reps.map((rep) => ratioOf(rep.warm)));
        return { label: `${run.kind.toUpperCase()}, the same in a warm process (each rep's second ingest)`, value: round(value), target: "(context)", met: true };
      }),
      ...acquire.ratios,
    ],
    notes: [
      `Embedder: the built-in local one (${createLocalEmbedder().dimension} dimensions). Each rep is one ingest into a fresh database and chunk collection, in a process of its own (started as \`kmcp ingest\` is: nothing loaded, caches empty; its clock runs around ingestFiles), followed in that process by the baselines: the very chunks the ingest wrote (ids, vectors, texts, metadata) added to a fresh cosine collection, at the chunk store's batch size (the server's maximum) and, for context, in the batches the ingest made. Each rep's ratio is its ingest's rate over its own raw add's; the figure reports the median rep. For context, each rep's process then does it all again, warm (modules loaded, code compiled), into another fresh database and collection: the difference is what an ingest pays for starting up. The ingest prepares files in groups of up to 8 (the first alone, then 2, 4, 8; their sources read in one query and created in one upsert) and writes chunks across documents: each upsert takes every document prepared while the previous one ran (up to the server's maximum), new chunks before the ones they replace. Files are read, extracted, chunked and embedded by the default preparation threads (createPreparer; KMCP_INGEST_THREADS when set, else the cores less two, 0–4: ${runs[0]?.threads ?? 0} here; with none, in the main thread, which also talks to PostgreSQL and writes); for context, the same ingest runs once more with the other setting (one worker thread when the default has none, else none).`,
      `HTML: generated documentation pages with nav and footer boilerplate and four sections of three paragraphs; PDF: ${options.pdfPageCount}-page PDFs of text made with pdf-lib.`,
      ...runs.map(breakdown),
      ...acquire.notes,
    ],
  };
}
