import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { VectorSpace } from "@kmcp/chroma-store";
import { detectDocumentKind, type DocumentKind, ExtractError, extractDocument, locateChunks, pageLabel, pagesOfRange } from "@kmcp/extract";
import { MAX_TITLE_LENGTH, SourceUrlSchema, type Source } from "@kmcp/core";
import { z } from "zod";
import { chunkDocument, ChunkOptionsSchema } from "./chunk-document.js";
import { documentTitle } from "./document-title.js";
import { SearchError } from "./errors.js";
import { findDocuments } from "./find-documents.js";
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
  type IngestReport,
} from "./ingest-schemas.js";
import { assertSameSpace } from "./vector-space.js";

/** Ingestion into `store.chunks`, creating sources in `db`. Run a sync afterwards so search sees new sources. */
export function createIngester({ db, store, embedder }: IngesterDeps): Ingester {
  async function checkSpace() {
    const recorded = await store.chunks.space();
    // An empty collection takes the new embedder's space on its first write.
    if (recorded && (await store.chunks.count()) > 0) assertSameSpace(recorded, embedder, store.chunks.collectionName);
  }

  /** The source for `url` brought up to date (title, and type or tier when asked), or created. */
  async function upsertSource(existing: Source | null, url: string, title: string, options: IngestOptions): Promise<Source> {
    if (existing) {
      const patch = changedFields(existing, { title, sourceType: options.sourceType, authorityTier: options.authorityTier });
      return Object.keys(patch).length === 0 ? existing : db.sources.update(existing.id, patch);
    }
    try {
      return await db.sources.create({
        url,
        title,
        sourceType: options.sourceType ?? INGEST_DEFAULTS.sourceType,
        authorityTier: options.authorityTier ?? INGEST_DEFAULTS.authorityTier,
        status: "active",
      });
    } catch (error) {
      // Another ingest created it meanwhile: bring that one up to date instead.
      // By code, not isDbError: @kmcp/db's main entry (and Prisma with it) is not loaded here.
      const raced = (error as { code?: unknown }).code === "CONFLICT" ? await db.sources.get(url) : null;
      if (!raced) throw error;
      return upsertSource(raced, url, title, options);
    }
  }

  async function ingestOne(document: z.output<typeof IngestDocumentSchema>, options: IngestOptions, fallbackTitle: string): Promise<IngestedDocument> {
    const chunking = ChunkOptionsSchema.parse(options.chunking ?? {});
    const title = sourceTitle(document.title ?? documentTitle(document.content, document.format)) ?? sourceTitle(fallbackTitle) ?? "Untitled";
    // The hash covers everything the chunks depend on, so a new embedder or chunk size re-ingests.
    const hash = createHash("sha256").update(JSON.stringify([embedder.id, chunking, document.format, title]));
    // Page ranges change the chunks' metadata; documents without them hash as they always did.
    if (document.pages) hash.update(JSON.stringify(document.pages));
    const contentHash = hash.update(document.content).digest("hex").slice(0, 32);
    const existing = await db.sources.get(document.url);
    const stored = existing ? await store.chunks.ofSource(existing.id) : [];
    if (existing && isComplete(stored, contentHash)) {
      // Content unchanged: only a type or tier given explicitly may change (the stored title
      // may have been edited by hand, and re-ingesting must not undo that).
      const patch = changedFields(existing, { sourceType: options.sourceType, authorityTier: options.authorityTier });
      const source = Object.keys(patch).length === 0 ? existing : await db.sources.update(existing.id, patch);
      return { url: source.url, sourceId: source.id, title: source.title, sourceCreated: false, outcome: "unchanged", chunks: stored.length, removed: 0 };
    }

    const source = await upsertSource(existing, document.url, title, options);
    const chunkId = (index: number) => `${source.id}:${contentHash.slice(0, 12)}:${index}`;
    const pieces = chunkDocument(document.content, document.format, chunking);
    const pages = document.pages ? chunkPages(document.content, document.pages, pieces) : null;
    if (pieces.length > 0) {
      // The title and headings are embedded with each chunk: they say what the chunk is about.
      const vectors = await embedder.embed(pieces.map((piece) => `${[title, ...piece.headingPath].join(" > ")}\n\n${piece.text}`));
      const space: VectorSpace = { embedder: embedder.id, dimension: vectors[0]?.length ?? 0 };
      await store.chunks.upsert(
        space,
        pieces.map((piece, i) => ({
          id: chunkId(piece.index),
          sourceId: source.id,
          contentHash,
          index: piece.index,
          count: pieces.length,
          text: piece.text,
          headingPath: piece.headingPath,
          ...(pages?.[i] ? { pages: pages[i] } : {}),
          embedding: vectors[i] as number[],
        })),
      );
    }
    // New chunks first, old ones after: a crash in between leaves both, and the next run removes the old.
    const keep = new Set(pieces.map((piece) => chunkId(piece.index)));
    const stale = stored.filter((chunk) => !keep.has(chunk.id)).map((chunk) => chunk.id);
    await store.chunks.delete(stale);
    return {
      url: source.url,
      sourceId: source.id,
      title: source.title,
      sourceCreated: !existing,
      outcome: pieces.length === 0 ? "empty" : stored.length === 0 ? "added" : "replaced",
      chunks: pieces.length,
      removed: stale.length,
    };
  }

  return {
    async ingestFiles(inputs, options = {}) {
      const { onProgress, ...rest } = options;
      const parsed = parseInput(IngestOptionsSchema, rest, "ingest options");
      const root = path.resolve(parsed.root ?? process.cwd());
      const files = await findDocuments(parseInput(z.array(z.string().min(1)), inputs, "paths"), root);
      const urls = files.map((file) => fileUrl(file.path, root, parsed.baseUrl));
      await checkSpace();

      const documents: IngestedDocument[] = [];
      const failed: FailedDocument[] = [];
      for (const [i, file] of files.entries()) {
        let read: Awaited<ReturnType<typeof readDocument>>;
        try {
          read = await readDocument(file.path, file.format);
        } catch (error) {
          if (!(error instanceof ExtractError || error instanceof SearchError)) throw error;
          failed.push({ path: file.path, error: `${file.path}: ${error.message}`, reason: error.message, code: error.code });
          continue;
        }
        const document = await ingestOne({ url: urls[i] as string, ...read }, parsed, path.basename(file.path).replace(/\.[^.]+$/, ""));
        const withPath = { ...document, path: file.path };
        documents.push(withPath);
        await onProgress?.({ done: i + 1, total: files.length, document: withPath });
      }
      return { documents, failed, totals: totalsOf(documents) };
    },

    async ingestDocument(document, options = {}) {
      const parsedDocument = parseInput(IngestDocumentSchema, document, "document");
      const parsed = parseInput(IngestOptionsSchema.omit({ baseUrl: true, root: true }), options, "ingest options");
      await checkSpace();
      return ingestOne(parsedDocument, parsed, parsedDocument.url);
    },
  };
}

/**
 * A file's content, ready to chunk: Markdown and text as they are (UTF-8); HTML, PDF and DOCX
 * detected (the name checked against the bytes) and extracted to Markdown (a PDF's text as plain
 * text, with its page ranges).
 * @throws {SearchError} `READ`; {ExtractError} when the file is damaged, mislabelled or has no text.
 */
async function readDocument(
  file: string,
  kind: DocumentKind,
): Promise<Pick<z.output<typeof IngestDocumentSchema>, "content" | "format" | "title" | "pages">> {
  const bytes = await readFile(file).catch((error: Error) => {
    throw new SearchError("READ", `Could not read the file: ${error.message}`, { cause: error, data: { path: file } });
  });
  if (kind === "markdown" || kind === "text") return { content: bytes.toString("utf8"), format: kind };
  const detected = detectDocumentKind({ bytes, fileName: file });
  if (detected === null) throw new ExtractError("UNSUPPORTED", `kmcp does not read this kind of file.`);
  const extracted = await extractDocument({ bytes, kind: detected });
  return {
    content: extracted.markdown,
    // A PDF's text has no Markdown structure: a line starting with "#" is not a heading there.
    format: extracted.kind === "pdf" || extracted.kind === "text" ? "text" : "markdown",
    ...(extracted.title ? { title: extracted.title.slice(0, MAX_TITLE_LENGTH) } : {}),
    pages: extracted.pages,
  };
}

/** Each chunk's page label ("3", "3-4"), found by locating the chunk in the text; null where it cannot be placed. */
export function chunkPages(content: string, pages: readonly { page: number; start: number; end: number }[], pieces: readonly { text: string }[]): (string | null)[] {
  return locateChunks(content, pieces.map((piece) => piece.text)).map((at) => (at ? pageLabel(pagesOfRange(pages, at.start, at.end)) : null));
}

/** True when the stored chunks are exactly one complete cut of this content version. */
export function isComplete(stored: readonly { contentHash: string; index: number; count: number }[], contentHash: string): boolean {
  return (
    stored.length > 0 &&
    stored.every((chunk, i) => chunk.contentHash === contentHash && chunk.index === i && chunk.count === stored.length)
  );
}

/** A title a source accepts: one line, no control characters, at most MAX_TITLE_LENGTH characters; null if nothing is left. */
export function sourceTitle(text: string | null | undefined): string | null {
  let clean = (text ?? "").replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, " ").trim().slice(0, MAX_TITLE_LENGTH);
  // Never end on half of a surrogate pair (the cut may split an emoji).
  if (/[\ud800-\udbff]$/.test(clean)) clean = clean.slice(0, -1);
  return clean.trim() || null;
}

/** The fields of `wanted` that are given and differ from `source`. */
function changedFields<T extends Record<string, unknown>>(source: Source, wanted: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => value !== undefined && source[key as keyof Source] !== value),
  ) as Partial<T>;
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
