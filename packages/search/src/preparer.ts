import { availableParallelism } from "node:os";
import type { DocumentKind, Extracted, ExtractInput } from "@kmcp/extract";
import { Tinypool } from "tinypool";
import type { TextChunk } from "./chunk-document.js";
import type { Embedder } from "./embedder.js";
import { isLocalEmbedder } from "./local-embedder.js";
import type { readDocument } from "./read-document.js";
import { type ChunkedDocument, type ChunkTask, embeddingText, failureError, isTaskFailure, type PrepareTask, runPrepareTask } from "./prepare-tasks.js";

/** A document's chunks, each chunk's page label (paged documents) and vector. */
export interface PreparedChunks {
  pieces: TextChunk[];
  pages: (string | null)[] | null;
  vectors: number[][];
}

/**
 * The CPU-heavy steps of an ingest (reading and extracting documents, chunking, the built-in
 * embedder), run on a pool of worker threads or in the calling thread. Each method throws what
 * the step throws in the calling thread (ExtractError, SearchError).
 */
export interface Preparer {
  /** A file's content, ready to chunk (see readDocument). */
  read(path: string, kind: DocumentKind): ReturnType<typeof readDocument>;
  /** extractDocument in the pool. */
  extract(input: ExtractInput): Promise<Extracted>;
  /**
   * Each document's chunks with their vectors, in order: from the built-in embedder in the pool,
   * from any other (a remote API) in the calling thread, in one embed call for all the documents.
   */
  chunk(documents: readonly Omit<ChunkTask, "type" | "embedLocally">[]): Promise<PreparedChunks[]>;
  /** Start the pool's threads now, so they load their code while the caller does other work (else they start at the first task). */
  start(): void;
  /** Stop the pool's threads (waits for none of its tasks). Idempotent; the preparer cannot be used after. */
  close(): Promise<void>;
}

export interface PreparerOptions {
  /** The embedder the chunks are for. */
  embedder: Embedder;
  /** Worker threads; 0 runs every step in the calling thread. Default: defaultPrepareThreads(). */
  threads?: number | undefined;
}

/**
 * The machine's cores less two (one for the calling thread, which coordinates and writes, one for
 * the servers it writes to, usually on the same machine), at most 4: on 2 cores a worker thread
 * made an ingest slower, not faster (BENCHMARKS.md, figure 8), so there every step stays in the
 * calling thread.
 */
export function defaultPrepareThreads(): number {
  return Math.min(4, Math.max(0, availableParallelism() - 2));
}

/**
 * A Preparer. With threads, its pool starts at the first task, so a preparer that
 * is never used costs nothing; `close()` it when done, or its threads keep the process alive.
 * @example
 * const preparer = createPreparer({ embedder });
 * try { const [{ pieces, vectors }] = await preparer.chunk([{ content, format: "markdown", chunking: {}, label: title }]); }
 * finally { await preparer.close(); }
 */
export function createPreparer({ embedder, threads = defaultPrepareThreads() }: PreparerOptions): Preparer {
  const embedLocally = threads > 0 && isLocalEmbedder(embedder);
  let pool: Tinypool | null = null;
  let closed = false;

  function start() {
    if (closed) throw new Error("This preparer is closed.");
    if (threads > 0) pool ??= new Tinypool({ filename: workerFile().href, minThreads: threads, maxThreads: threads, idleTimeout: 30_000 });
  }

  async function run<T>(task: PrepareTask): Promise<T> {
    start();
    const result = pool ? await pool.run(task) : await runPrepareTask(task);
    if (isTaskFailure(result)) throw failureError(result);
    return result as T;
  }

  return {
    start,
    read: (path, kind) => run({ type: "read", path, kind }),
    extract: (input) => run({ type: "extract", ...input }),
    async chunk(documents) {
      const chunked = await Promise.all(documents.map((document) => run<ChunkedDocument>({ type: "chunk", ...document, embedLocally })));
      const texts = chunked.flatMap((done, d) => (done.vectors ? [] : done.pieces.map((piece) => embeddingText((documents[d] as ChunkTask).label, piece))));
      const embedded = texts.length > 0 ? await embedder.embed(texts) : [];
      let next = 0;
      return chunked.map(({ pieces, pages, vectors, dimension }) => ({
        pieces,
        pages,
        vectors: vectors ? pieces.map((_, i) => Array.from(vectors.subarray(i * dimension, (i + 1) * dimension))) : pieces.map(() => embedded[next++] as number[]),
      }));
    },
    async close() {
      closed = true;
      const running = pool;
      pool = null;
      await running?.destroy();
    },
  };
}

/**
 * The worker's module. Built, this code sits in dist/ beside prepare-worker.js; run from source
 * (this package's tests, which run after its build), the built worker is used.
 */
function workerFile(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "../dist/prepare-worker.js" : "./prepare-worker.js", import.meta.url);
}
