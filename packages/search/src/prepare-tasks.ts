import { type DocumentKind, ExtractError, type ExtractInput, extractDocument } from "@kmcp/extract";
import { chunkDocument, type ChunkOptions, type DocumentFormat, type TextChunk } from "./chunk-document.js";
import { SearchError } from "./errors.js";
import { createLocalEmbedder } from "./local-embedder.js";
import { chunkPages, readDocument } from "./read-document.js";

/** A document's text cut into chunks, with each chunk's page label (paged documents) and, when asked, its local-embedder vector. */
export interface ChunkTask {
  type: "chunk";
  content: string;
  format: DocumentFormat;
  pages?: readonly { page: number; start: number; end: number }[] | null | undefined;
  chunking: ChunkOptions;
  /** What each chunk is about, embedded before its headings and text: the document's title (or url). */
  label: string;
  /** Compute the built-in embedder's vectors too (only that one: it runs anywhere, offline). */
  embedLocally: boolean;
}

export type PrepareTask = { type: "read"; path: string; kind: DocumentKind } | ({ type: "extract" } & Omit<ExtractInput, "bytes"> & { bytes: Uint8Array }) | ChunkTask;

/** The chunks of a ChunkTask; `vectors` packs one vector after the other (`dimension` numbers each), to cross threads as one buffer. */
export interface ChunkedDocument {
  pieces: TextChunk[];
  pages: (string | null)[] | null;
  vectors: Float64Array | null;
  dimension: number;
}

/** A task's failure that the caller reports per document (a damaged file, a bad option): kept as data, since an error's class does not cross threads. */
export interface TaskFailure {
  failure: { error: "ExtractError" | "SearchError"; code: string; message: string };
}

/** The text each chunk is embedded as: the title and headings say what the chunk is about. */
export function embeddingText(label: string, piece: TextChunk): string {
  return `${[label, ...piece.headingPath].join(" > ")}\n\n${piece.text}`;
}

/**
 * Runs one preparation task, where it is called (the main thread or a pool's worker). An
 * ExtractError or SearchError comes back as a TaskFailure; anything else throws.
 */
export async function runPrepareTask(task: PrepareTask): Promise<unknown> {
  try {
    switch (task.type) {
      case "read":
        return await readDocument(task.path, task.kind);
      case "extract": {
        const { type: _, ...input } = task;
        return await extractDocument(input);
      }
      case "chunk":
        return await chunkTask(task);
    }
  } catch (error) {
    if (error instanceof ExtractError || error instanceof SearchError) {
      return { failure: { error: error.name, code: error.code, message: error.message } } satisfies TaskFailure;
    }
    throw error;
  }
}

async function chunkTask(task: ChunkTask): Promise<ChunkedDocument> {
  const pieces = chunkDocument(task.content, task.format, task.chunking);
  const pages = task.pages ? chunkPages(task.content, task.pages, pieces) : null;
  if (!task.embedLocally || pieces.length === 0) return { pieces, pages, vectors: null, dimension: 0 };
  const embedded = await createLocalEmbedder().embed(pieces.map((piece) => embeddingText(task.label, piece)));
  const dimension = embedded[0]?.length ?? 0;
  const vectors = new Float64Array(embedded.length * dimension);
  embedded.forEach((vector, i) => vectors.set(vector, i * dimension));
  return { pieces, pages, vectors, dimension };
}

/** The error a TaskFailure stands for, as the task would have thrown it in this thread. */
export function failureError({ failure }: TaskFailure): ExtractError | SearchError {
  return failure.error === "ExtractError"
    ? new ExtractError(failure.code as ExtractError["code"], failure.message)
    : new SearchError(failure.code as SearchError["code"], failure.message);
}

export function isTaskFailure(value: unknown): value is TaskFailure {
  return typeof value === "object" && value !== null && "failure" in value;
}
