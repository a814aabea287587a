import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ChunkInput } from "@kmcp/chroma-store";
import { ExtractError } from "@kmcp/extract";
import { SourceUrlSchema, type Source } from "@kmcp/core";
import { z } from "zod";
import { ChunkOptionsSchema } from "./chunk-document.js";
import { createChunkWriter } from "./chunk-writer.js";
import { documentTitle } from "./document-title.js";
import { SearchError } from "./errors.js";
import { findDocuments } from "./find-documents.js";
import { changedFields, chunkIdOf, contentHashOf, isComplete, sourceTitle, staleChunkIds, writeOutcome } from "./ingest-plan.js";
import { inOrder } from "./in-order.js";
import { createIngestSources, type IngestSources } from "./ingest-sources.js";
import { parseInput } from "./parse-input.js";
import {
  INGEST_DEFAULTS,
  IngestDocumentSchema,
  IngestOptionsSchema,
  type FailedDocument,
  type IngestedDocument,
  type Ingester,
  type IngesterDeps,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
} from "./ingest-schemas.js";
import { createPreparer, type PreparedChunks, type Preparer } from "./preparer.js";
import { assertStoredSpace } from "./vector-space.js";

/** A document ready to write: what the report says of it, its new chunks and the stored chunks they replace. */
interface PreparedDocument {
  result: IngestedDocument;
  chunks: ChunkInput[];
  stale: string[];
}

/** A file read and extracted, ready to prepare, or why it could not be. */
type ReadFile = { path: string; read: Awaited<ReturnType<Preparer["read"]>> } | FailedDocument;

/**
 * How many files are prepared together (one PostgreSQL round trip reads their sources, one or two
 * create the new ones), and read ahead meanwhile. More reads at once would not read faster on the
 * calling thread (extraction is CPU), only make the first group wait for all of them.
 */
const PREPARE_GROUP = 8;

/** Ingestion into `store.chunks`, creating sources in `db`. Run a sync afterwards so search sees new sources. */
export function createIngester({ db, store, embedder, prepareThreads }: IngesterDeps): Ingester {
  /** The source for `url` brought up to date (title, and type or tier when asked), or created. */
  async function upsertSource(sources: IngestSources, existing: Source | null, url: string, title: string, options: IngestOptions): Promise<Source> {
    if (existing) {
      const patch = changedFields(existing, { title, sourceType: options.sourceType, authorityTier: options.authorityTier });
      return Object.keys(patch).length === 0 ? existing : db.sources.update(existing.id, patch);
    }
    return sources.create({
      url,
      title,
      sourceType: options.sourceType ?? INGEST_DEFAULTS.sourceType,
      authorityTier: options.authorityTier ?? INGEST_DEFAULTS.authorityTier,
      status: "active",
    });
  }

  /**
   * Decide what a document needs and prepare it, writing only its source: nothing (unchanged),
   * or new chunks (embedded) and the stored ones they replace, for the chunk writer.
   */
  async function prepare(
    { preparer, sources }: { preparer: Preparer; sources: IngestSources },
    document: z.output<typeof IngestDocumentSchema>,
    options: IngestOptions,
    fallbackTitle: string,
  ): Promise<PreparedDocument> {
    const chunking = ChunkOptionsSchema.parse(options.chunking ?? {});
    const title = sourceTitle(document.title ?? documentTitle(document.content, document.format)) ?? sourceTitle(fallbackTitle) ?? "Untitled";
    const contentHash = contentHashOf({ embedderId: embedder.id, chunking, format: document.format, title, pages: document.pages, content: document.content });
    const existing = await sources.find(document.url);
    const stored = existing ? await store.chunks.ofSource(existing.id) : [];
    if (existing && isComplete(stored, contentHash)) {
      // Content unchanged: only a type or tier given explicitly may change (the stored title
      // may have been edited by hand, and re-ingesting must not undo that).
      const patch = changedFields(existing, { sourceType: options.sourceType, authorityTier: options.authorityTier });
      const source = Object.keys(patch).length === 0 ? existing : await db.sources.update(existing.id, patch);
      const result = { url: source.url, sourceId: source.id, title: source.title, sourceCreated: false, outcome: "unchanged", chunks: stored.length, removed: 0 } as const;
      return { result, chunks: [], stale: [] };
    }

    const source = await upsertSource(sources, existing, document.url, title, options);
    const [{ pieces, pages, vectors }] = (await preparer.chunk([{ content: document.content, format: document.format, pages: document.pages, chunking, label: title }])) as [PreparedChunks];
    const chunks = pieces.map((piece, i) => ({
      id: chunkIdOf(source.id, contentHash, piece.index),
      sourceId: source.id,
      contentHash,
      index: piece.index,
      count: pieces.length,
      text: piece.text,
      headingPath: piece.headingPath,
      ...(pages?.[i] ? { pages: pages[i] } : {}),
      embedding: vectors[i] as number[],
    }));
    const stale = staleChunkIds(stored, chunks.map((chunk) => chunk.id));
    return {
      result: {
        url: source.url,
        sourceId: source.id,
        title: source.title,
        sourceCreated: !existing,
        outcome: writeOutcome(pieces.length, stored.length),
        chunks: pieces.length,
        removed: stale.length,
      },
      chunks,
      stale,
    };
  }

  /** Writes chunks across documents in large batches, new chunks before the ones they replace (see createChunkWriter). */
  async function chunkWriter() {
    return createChunkWriter({ chunks: store.chunks, embedder: embedder.id, maxChunks: await store.chunks.maxBatchSize() });
  }

  /**
   * Reads `files` ahead of the rest (worker threads, see createPreparer), then prepares them in
   * groups that look up and create their sources together, and writes them in batches as they
   * come, in order.
   */
  async function ingestPrepared(
    files: Awaited<ReturnType<typeof findDocuments>>,
    urls: readonly string[],
    options: z.output<typeof IngestOptionsSchema>,
    preparer: Preparer,
    onProgress: ((progress: IngestProgress) => void | Promise<void>) | undefined,
  ): Promise<IngestReport> {
    const readFile = async (i: number): Promise<ReadFile> => {
      const file = files[i] as (typeof files)[number];
      try {
        return { path: file.path, read: await preparer.read(file.path, file.format) };
      } catch (error) {
        if (!(error instanceof ExtractError || error instanceof SearchError)) throw error;
        return { path: file.path, error: `${file.path}: ${error.message}`, reason: error.message, code: error.code };
      }
    };
    const sources = createIngestSources(db);
    const prepareFile = async (i: number, outcome: ReadFile): Promise<PreparedDocument | FailedDocument> => {
      if (!("read" in outcome)) return outcome;
      const fallbackTitle = path.basename(outcome.path).replace(/\.[^.]+$/, "");
      const prepared = await prepare({ preparer, sources }, { url: urls[i] as string, ...outcome.read }, options, fallbackTitle);
      return { ...prepared, result: { ...prepared.result, path: outcome.path } };
    };

    const documents: IngestedDocument[] = [];
    const failed: FailedDocument[] = [];
    // Files are read while the group before them is prepared and written, the first one while
    // the stored vector space is checked (nothing is written before it is). Reading and groups
    // start small (the first file alone, then groups of 2, 4, 8): eight extractions at once
    // held back Chroma's first writes (measured with pdf.js, which interleaved the documents it read).
    const reads = inOrder(files.length, PREPARE_GROUP, readFile, { rampUp: true });
    let ahead: Promise<IteratorResult<ReadFile>> | null = files.length > 0 ? reads.next() : null;
    ahead?.catch(() => undefined);
    const nextRead = async () => {
      const next = ahead ?? reads.next();
      ahead = null;
      return (await next).value as ReadFile;
    };
    let writer: Awaited<ReturnType<typeof chunkWriter>> | undefined;
    let group: Promise<PreparedDocument | FailedDocument>[] = [];
    try {
      await assertStoredSpace(store.chunks, embedder);
      writer = await chunkWriter();
      // The first file alone, so Chroma has its first write while the next group is read.
      for (let first = 0, size = 1; first < files.length; first += size, size = Math.min(2 * size, PREPARE_GROUP)) {
        const read: ReadFile[] = [];
        while (read.length < Math.min(size, files.length - first)) read.push(await nextRead());
        // Prepared at once, so their source lookups and creations go to PostgreSQL together.
        group = read.map((outcome, k) => prepareFile(first + k, outcome));
        for (const preparing of group) preparing.catch(() => undefined); // awaited in order below
        for (const [k, preparing] of group.entries()) {
          const outcome = await preparing;
          const done = first + k + 1;
          if (!("result" in outcome)) {
            failed.push(outcome);
            continue;
          }
          const { result: document, chunks, stale } = outcome;
          // Written with the next batch, while the next files are prepared.
          await writer.add({
            chunks,
            stale,
            written: async () => {
              documents.push(document);
              await onProgress?.({ done, total: files.length, document });
            },
          });
        }
      }
    } catch (error) {
      // Documents already prepared are written still, as a one-at-a-time ingest would have
      // written them before reaching this one; then the first failure is reported.
      await writer?.drain().catch(() => undefined);
      throw error;
    } finally {
      // Nothing is left running once the ingest returns or throws.
      await Promise.allSettled(group);
      await reads.return(undefined);
    }
    await writer.drain();
    return { documents, failed, totals: totalsOf(documents) };
  }

  return {
    async ingestFiles(inputs, options = {}) {
      const { onProgress, ...rest } = options;
      const parsed = parseInput(IngestOptionsSchema, rest, "ingest options");
      const root = path.resolve(parsed.root ?? process.cwd());
      const files = await findDocuments(parseInput(z.array(z.string().min(1)), inputs, "paths"), root);
      const urls = files.map((file) => fileUrl(file.path, root, parsed.baseUrl));
      // Reading, extracting, chunking and embedding run in worker threads while this thread writes
      // (a single file has nothing to overlap with: it is prepared here, sparing the threads' start).
      // The threads start now and load their code while the first files are read.
      const preparer = createPreparer({ embedder, threads: files.length > 1 ? prepareThreads : 0 });
      preparer.start();
      try {
        return await ingestPrepared(files, urls, parsed, preparer, onProgress);
      } finally {
        await preparer.close();
      }
    },

    async ingestDocument(document, options = {}) {
      const parsedDocument = parseInput(IngestDocumentSchema, document, "document");
      const parsed = parseInput(IngestOptionsSchema.omit({ baseUrl: true, root: true }), options, "ingest options");
      await assertStoredSpace(store.chunks, embedder);
      const prepared = { preparer: createPreparer({ embedder, threads: 0 }), sources: createIngestSources(db) };
      const { result, chunks, stale } = await prepare(prepared, parsedDocument, parsed, parsedDocument.url);
      const writer = await chunkWriter();
      await writer.add({ chunks, stale, written: () => undefined });
      await writer.drain();
      return result;
    },
  };
}

function fileUrl(file: string, root: string, baseUrl: string | undefined): string {
  if (!baseUrl) return SourceUrlSchema.parse(pathToFileURL(file).href);
  const relative = path.relative(root, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new SearchError("VALIDATION", `${file} is outside ${root}; with a base URL, ingest files under the root folder (or set root).`);
  }
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const encoded = relative.split(path.sep).map(encodeURIComponent).join("/");
  return SourceUrlSchema.parse(new URL(encoded, base).href);
}

function totalsOf(documents: readonly IngestedDocument[]): IngestReport["totals"] {
  const totals = { unchanged: 0, added: 0, replaced: 0, empty: 0, chunksWritten: 0, chunksRemoved: 0, sourcesCreated: 0 };
  for (const document of documents) {
    totals[document.outcome]++;
    if (document.outcome !== "unchanged") totals.chunksWritten += document.chunks;
    totals.chunksRemoved += document.removed;
    if (document.sourceCreated) totals.sourcesCreated++;
  }
  return totals;
}
