import type { Metadata } from "chromadb";

/** One upsert's records, as the chunk store writes them (ids unique, one vector per record). */
export interface UpsertRecords {
  ids: string[];
  embeddings: readonly (readonly number[])[];
  documents: string[];
  metadatas: Metadata[];
}

/** The body of Chroma's REST upsert, as the chromadb client's Collection.upsert sends it: vectors base64-encoded where the server takes them so. */
export type UpsertBody = Omit<UpsertRecords, "embeddings"> & { embeddings: string[] | (readonly number[])[] };

/**
 * A vector in Chroma's base64 wire format: its float32 bytes in the platform's order (little-endian
 * on every platform Node runs), as the chromadb client's embeddingsToBase64Bytes sends them, encoded
 * by Buffer in one pass (the client builds a one-character string per byte: ~30× the CPU, ~190 ms
 * for 1,149 vectors of 1,024 dimensions against 5–8 ms).
 */
export function vectorToBase64(embedding: readonly number[]): string {
  return Buffer.from(Float32Array.from(embedding).buffer).toString("base64");
}

/**
 * The upsert request's body for `records` (sent by ChromaRest.upsert, see chroma-rest.ts); vectors
 * as JSON numbers to a server without base64 support (ChromaConnection.supportsBase64).
 */
export function upsertBody(records: UpsertRecords, base64: boolean): UpsertBody {
  return { ...records, embeddings: base64 ? records.embeddings.map(vectorToBase64) : [...records.embeddings] };
}
