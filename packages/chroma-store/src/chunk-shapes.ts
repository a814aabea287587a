import type { Metadata } from "chromadb";
import { z } from "zod";

/** Which embedder made a collection's vectors, and their length. Vectors of two spaces are never compared. */
export const VectorSpaceSchema = z.strictObject({
  embedder: z.string().min(1).max(200),
  dimension: z.number().int().min(1).max(65_536),
});
export type VectorSpace = z.infer<typeof VectorSpaceSchema>;

export const IdSchema = z.string().min(1).max(512);

/**
 * A vector: one plain loop over its numbers, not a zod schema per number, which cost ~10× as much
 * (an ingest validates every number of every chunk it writes).
 */
const VectorSchema = z.custom<number[]>(
  (value) => Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === "number" && Number.isFinite(x)),
  "must be a non-empty list of finite numbers",
);

/** One chunk of a source's content, with its vector. */
export const ChunkInputSchema = z.strictObject({
  id: IdSchema,
  sourceId: IdSchema,
  /** Identifies the content version the chunk was cut from; a re-ingest compares it. */
  contentHash: z.string().min(1).max(128),
  /** Position in the document, 0-based, and how many chunks the document has. */
  index: z.number().int().min(0),
  count: z.number().int().min(1),
  text: z.string().min(1),
  /** Enclosing headings, outermost first. */
  headingPath: z.array(z.string()).max(16),
  /** The pages of the original the chunk comes from (paged formats such as PDF): "3" or "3-4". */
  pages: z
    .string()
    .regex(/^[1-9]\d*(-[1-9]\d*)?$/, 'must be a page ("3") or a range ("3-4")')
    .optional(),
  /** For a source of many pages (a crawled site): the page the chunk comes from, and its title. */
  url: z.string().min(1).max(4_096).optional(),
  title: z.string().min(1).max(1_000).optional(),
  embedding: VectorSchema,
});
export type ChunkInput = z.input<typeof ChunkInputSchema>;

/** What the collection keeps about a chunk besides its text and vector. */
export interface StoredChunk {
  id: string;
  sourceId: string;
  contentHash: string;
  index: number;
  count: number;
  /** Pages of the original ("3", "3-4"), for chunks of paged documents; absent otherwise. */
  pages?: string;
  /** The page of a many-page source (a crawled site) the chunk comes from, and its title; absent otherwise. */
  url?: string;
  title?: string;
}

/** A stored chunk with its text and heading path. */
export interface ChunkRecord extends StoredChunk {
  text: string;
  headingPath: string[];
}

/** A chunk found by a vector query. `distance` is the cosine distance: 0 same direction, 1 orthogonal, 2 opposite. */
export interface ChunkMatch extends StoredChunk {
  text: string;
  headingPath: string[];
  distance: number;
}

// Collection metadata keys recording the vector space (see recordedSpace).
export const EMBEDDER_KEY = "kmcp_embedder";
export const DIMENSION_KEY = "kmcp_dimension";

export const StoredChunkMetadataSchema = z.object({
  sourceId: IdSchema,
  contentHash: z.string(),
  chunkIndex: z.number().int().min(0),
  chunkCount: z.number().int().min(1),
  headingPath: z.string(),
  pages: z.string().optional(),
  url: z.string().optional(),
  title: z.string().optional(),
});

export function recordedSpace(collection: { metadata?: Metadata | null }): VectorSpace | null {
  const parsed = VectorSpaceSchema.safeParse({
    embedder: collection.metadata?.[EMBEDDER_KEY],
    dimension: collection.metadata?.[DIMENSION_KEY],
  });
  return parsed.success ? parsed.data : null;
}


/** A chunk's metadata as the collection stores it (the one mapping; StoredChunkMetadataSchema reads it back). */
export function chunkMetadata(chunk: Pick<ChunkInput, "sourceId" | "contentHash" | "index" | "count" | "headingPath" | "pages" | "url" | "title">) {
  return {
    sourceId: chunk.sourceId,
    contentHash: chunk.contentHash,
    chunkIndex: chunk.index,
    chunkCount: chunk.count,
    headingPath: JSON.stringify(chunk.headingPath),
    // Chroma 1.0 metadata holds no null: a chunk without pages has no key.
    ...(chunk.pages ? { pages: chunk.pages } : {}),
    ...(chunk.url ? { url: chunk.url } : {}),
    ...(chunk.title ? { title: chunk.title } : {}),
  };
}
