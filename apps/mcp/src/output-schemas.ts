import { AuthorityTierSchema, RequestStatusSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/db/schemas";
import { SearchResultSchema } from "@kmcp/search";
import { z } from "zod";

/** Where a read came from: PostgreSQL (`primary`) or the offline mirror, with its freshness. */
export const OriginShape = {
  origin: z.enum(["primary", "mirror"]).describe("primary = PostgreSQL; mirror = the offline copy in Chroma"),
  asOf: z.string().nullable().describe("for mirror answers: when the mirror last matched PostgreSQL (ISO time)"),
};

export const SourceOutputSchema = z.object({
  id: z.string(),
  url: z.string(),
  title: z.string(),
  sourceType: SourceTypeSchema,
  status: SourceStatusSchema,
  authorityTier: AuthorityTierSchema,
  description: z.string().nullable(),
  updatedAt: z.string(),
  lastCrawledAt: z.string().nullable(),
});

export const RequestOutputSchema = z.object({
  id: z.string(),
  url: z.string(),
  reason: z.string(),
  priority: z.number().int(),
  status: RequestStatusSchema,
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: z.string().nullable(),
  sourceId: z.string().nullable(),
});

export const SyncStateOutputSchema = z.object({
  status: z.enum(["synced", "pending", "syncing", "offline", "error"]),
  isOnline: z.boolean(),
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastMode: z.enum(["incremental", "full"]).nullable(),
  counts: z.object({ upserted: z.number(), deleted: z.number(), unchanged: z.number() }).nullable(),
  durationMs: z.number().nullable(),
  mirrorSize: z.number().nullable(),
  error: z.object({ side: z.enum(["postgres", "chroma", "internal"]), message: z.string() }).nullable(),
});

export const SearchOutputShape = {
  results: z.array(SearchResultSchema),
  embedder: z.string().describe("the embedder the query was embedded with"),
  mirrorAsOf: z
    .string()
    .nullable()
    .describe("source details come from the offline mirror: when it last matched PostgreSQL (ISO time; null = unknown)"),
};

/** The search index (chunks in Chroma), as knowledge_stats reports it. */
export const ChunkStatsOutputSchema = z.object({
  total: z.number().int().describe("chunks in the search index"),
  sources: z.number().int().describe("sources with at least one chunk"),
  embedder: z.string().nullable().describe("the embedder the chunks were made with; null before anything was ingested"),
  dimension: z.number().int().nullable().describe("the vectors' length; null before anything was ingested"),
});
