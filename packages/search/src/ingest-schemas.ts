import type { ChromaStore } from "@kmcp/chroma-store";
import { AuthorityTierSchema, MAX_TITLE_LENGTH, SourceTypeSchema, SourceUrlSchema } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { z } from "zod";
import { ChunkOptionsSchema } from "./chunk-document.js";
import type { Embedder } from "./embedder.js";

/** What an ingest does to sources it creates, and how it cuts and names documents. */
export const IngestOptionsSchema = z.strictObject({
  /** Type and tier of sources this ingest creates; given for an existing source, they replace its own. */
  sourceType: SourceTypeSchema.optional(),
  authorityTier: AuthorityTierSchema.optional(),
  /**
   * Where the files are published: a file's URL becomes baseUrl + its path relative to `root`
   * (e.g. https://docs.example.com/guide/ + install.md). Without it, sources get file:// URLs.
   */
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  /** The folder paths are relative to, for globs and baseUrl (default: the working directory). */
  root: z.string().min(1).optional(),
  chunking: ChunkOptionsSchema.optional(),
});
export type IngestOptions = z.input<typeof IngestOptionsSchema>;

/** Defaults for sources an ingest creates, when no flag says otherwise. */
export const INGEST_DEFAULTS = { sourceType: "documentation", authorityTier: "tier_2_trusted" } as const;

/** One document to ingest, already read. */
export const IngestDocumentSchema = z.strictObject({
  url: SourceUrlSchema,
  content: z.string().max(20_000_000, "must be at most 20 MB"),
  format: z.enum(["markdown", "text"]),
  /** Title of a source created for it; default: the document's own title, else its file name. */
  title: z.string().min(1).max(MAX_TITLE_LENGTH).optional(),
  /**
   * For a paged original (a PDF extracted by @kmcp/extract): the character range of `content`
   * each page fills. Each chunk then records its page(s), and search results cite them.
   */
  pages: z
    .array(z.strictObject({ page: z.number().int().min(1), start: z.number().int().min(0), end: z.number().int().min(0) }))
    .max(100_000)
    .nullable()
    .optional(),
});
export type IngestDocument = z.input<typeof IngestDocumentSchema>;

/**
 * What happened to one document: `unchanged` (chunks kept, nothing written unless a type or
 * tier option differs from the source's), `added` (first chunks),
 * `replaced` (content changed: new chunks written, then the old ones removed), `empty` (no text).
 */
export interface IngestedDocument {
  url: string;
  sourceId: string;
  /** The source's title; `sourceCreated` when this ingest made the source. */
  title: string;
  sourceCreated: boolean;
  outcome: "unchanged" | "added" | "replaced" | "empty";
  /** Chunks the document has now, and chunks of an older version removed. */
  chunks: number;
  removed: number;
  /** Absolute path, for documents read from files. */
  path?: string;
}

/** A file that could not be read or extracted: nothing was written for it. `error` is one line saying why. */
export interface FailedDocument {
  path: string;
  /** "<path>: <reason>". */
  error: string;
  /** Why, without the path. */
  reason: string;
  /** The ExtractError or SearchError code, e.g. "UNREADABLE", "MISMATCH", "EMPTY", "READ". */
  code: string;
}

export interface IngestReport {
  documents: IngestedDocument[];
  /** Files skipped because they could not be read (damaged, encrypted, mislabelled, no text); the others were ingested. */
  failed: FailedDocument[];
  totals: Record<IngestedDocument["outcome"], number> & { chunksWritten: number; chunksRemoved: number; sourcesCreated: number };
}

export interface IngestProgress {
  done: number;
  total: number;
  document: IngestedDocument;
}

export interface Ingester {
  /**
   * Ingest Markdown, text, HTML, PDF and Word (.docx) files: `inputs` are files, folders (searched
   * recursively) or glob patterns. Every input is checked before anything is written. HTML, PDF
   * and DOCX go through @kmcp/extract (a PDF's chunks record their pages); a file that cannot be
   * read is reported in `failed` with the reason, nothing is written for it, and the others go on. Re-running it on unchanged
   * files writes nothing. Chunks are written in batches across documents (each write takes every
   * document prepared while the one before ran, up to the server's largest batch), a document's
   * new chunks always before the stored ones they replace. A crash leaves each document complete,
   * with its source but not yet its new chunks, or with extra old chunks: the next run of the same
   * ingest completes the first and cleans up the second. `onProgress` reports a document once written.
   * @throws {SearchError} `VALIDATION` (bad options or paths), `EMBEDDER`, `EMBEDDER_MISMATCH`;
   *   DbError and ChromaStoreError pass through.
   */
  ingestFiles(inputs: readonly string[], options?: IngestOptions & { onProgress?: (progress: IngestProgress) => void | Promise<void> }): Promise<IngestReport>;
  /** Ingest one document given as text (same rules as ingestFiles). */
  ingestDocument(document: IngestDocument, options?: Omit<IngestOptions, "baseUrl" | "root">): Promise<IngestedDocument>;
}

export interface IngesterDeps {
  db: Pick<Db, "sources">;
  store: Pick<ChromaStore, "chunks">;
  embedder: Embedder;
  /**
   * Worker threads that read, extract, chunk and embed (built-in embedder) files while ingestFiles
   * writes; started per ingest of two files or more and stopped when it ends. 0: all in the
   * calling thread. Default: the machine's cores less two, 0 to 4 (defaultPrepareThreads).
   */
  prepareThreads?: number;
}
