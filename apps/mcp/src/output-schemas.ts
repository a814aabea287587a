import { AcquisitionRequestSchema, CatalogSourceSchema, jsonObjectShape, jsonShape, SyncStateSchema } from "@kmcp/core";
import { SearchResultSchema } from "@kmcp/search";
import { z } from "zod";

/** Where a read came from: PostgreSQL (`primary`) or the offline mirror, with its freshness. */
export const OriginShape = {
  origin: z.enum(["primary", "mirror"]).describe("primary = PostgreSQL; mirror = the offline copy in Chroma"),
  asOf: z.string().nullable().describe("for mirror answers: when the mirror last matched PostgreSQL (ISO time)"),
};

// The domain's schemas as they travel in JSON (dates as ISO strings): one definition each, in @kmcp/core.
export const SourceOutputSchema = jsonShape(CatalogSourceSchema);
export const RequestOutputSchema = z.object(jsonObjectShape(AcquisitionRequestSchema));
export const SyncStateOutputSchema = jsonShape(SyncStateSchema);

export const SearchOutputShape = {
  results: z.array(SearchResultSchema),
  embedder: z.string().describe("the embedder the query was embedded with"),
  mirrorAsOf: z
    .string()
    .nullable()
    .describe("source details come from the offline mirror: when it last matched PostgreSQL (ISO time; null = unknown)"),
  emptyReason: z
    .enum(["nothing_ingested", "filtered", "not_searchable"])
    .nullable()
    .describe("why there are no results: nothing ingested yet, no match with these filters, or no ingested source searchable yet (sync needed); null when there are results"),
};

/** The search index (chunks in Chroma), as knowledge_stats reports it. */
export const ChunkStatsOutputSchema = z.object({
  total: z.number().int().describe("chunks in the search index"),
  sources: z.number().int().describe("sources with at least one chunk"),
  embedder: z.string().nullable().describe("the embedder the chunks were made with; null before anything was ingested"),
  dimension: z.number().int().nullable().describe("the vectors' length; null before anything was ingested"),
});
