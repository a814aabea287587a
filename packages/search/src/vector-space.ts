import type { ChunkStore, VectorSpace } from "@kmcp/chroma-store";
import type { Embedder } from "./embedder.js";
import { SearchError } from "./errors.js";

/**
 * @throws {SearchError} `EMBEDDER_MISMATCH` when `embedder` does not make vectors of the recorded
 *   space: comparing vectors of two models gives scores that look fine and mean nothing.
 */
export function assertSameSpace(recorded: VectorSpace, embedder: Pick<Embedder, "id" | "dimension">, collection: string): void {
  const dimensionDiffers = embedder.dimension !== undefined && embedder.dimension !== recorded.dimension;
  if (recorded.embedder === embedder.id && !dimensionDiffers) return;
  throw new SearchError(
    "EMBEDDER_MISMATCH",
    `The chunks in ${collection} were embedded by ${recorded.embedder} (dimension ${recorded.dimension}), but the configured embedder is ${embedder.id}${embedder.dimension ? ` (dimension ${embedder.dimension})` : ""}. Configure the embedder that made them, or re-ingest everything with the new one after removing the old chunks (kmcp ingest --reset).`,
    { data: { collection, recorded, configured: { embedder: embedder.id, dimension: embedder.dimension ?? null } } },
  );
}

/**
 * assertSameSpace against the space of the chunks stored in `chunks`, before an ingest writes any:
 * an empty collection takes the new embedder's space on its first write.
 */
export async function assertStoredSpace(chunks: Pick<ChunkStore, "space" | "count" | "collectionName">, embedder: Pick<Embedder, "id" | "dimension">): Promise<void> {
  const recorded = await chunks.space();
  if (recorded && (await chunks.count()) > 0) assertSameSpace(recorded, embedder, chunks.collectionName);
}
