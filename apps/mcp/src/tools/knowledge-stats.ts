import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { ChunkStatsOutputSchema, OriginShape } from "../output-schemas.js";
import { errorLine, ok, originNote, safely } from "../tool-result.js";

const counts = <T extends z.ZodEnum>(keys: T) => z.record(keys, z.number().int());

export function registerKnowledgeStatsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_stats",
    {
      title: "Knowledge base statistics",
      description:
        "How many sources the knowledge base holds, by type, authority tier and status; how many the offline mirror holds; " +
        "and how much is searchable with knowledge_search (chunks in the search index, the sources they come from, and the embedder that made them).",
      inputSchema: {},
      outputSchema: {
        total: z.number().int(),
        byType: counts(SourceTypeSchema),
        byTier: counts(AuthorityTierSchema),
        byStatus: counts(SourceStatusSchema),
        mirrorSize: z.number().int().nullable(),
        chunks: ChunkStatsOutputSchema.nullable().describe("the search index; null when it could not be read (Chroma unreachable), the rest still answers"),
        ...OriginShape,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      safely(async () => {
        const { catalog, store, search } = await deps.kmcp.ready();
        // Only the source counts are essential: the mirror size and the chunk counts (both in
        // Chroma) are left out, and said so, when they cannot be read.
        let chunksError = "";
        const [{ stats, ...origin }, mirrorSize, chunks] = await Promise.all([
          catalog.stats(),
          store.sources.count().catch(() => null),
          search.stats().then(
            (s) => ({ total: s.chunks, sources: s.sources, embedder: s.embedder, dimension: s.dimension }),
            (error: unknown) => {
              chunksError = errorLine(error);
              return null;
            },
          ),
        ]);
        const fmt = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ");
        const searchable = !chunks
          ? `Search index: unavailable (${chunksError || "could not be read"}).`
          : chunks.total === 0
            ? "Search index: empty (nothing ingested yet; add documents with `kmcp ingest`)."
            : `Search index: ${chunks.total} chunks from ${chunks.sources} sources (embedder ${chunks.embedder ?? "unknown"}, dimension ${chunks.dimension ?? "unknown"}).`;
        const text =
          `${stats.total} sources. By type: ${fmt(stats.byType)}. By tier: ${fmt(stats.byTier)}. By status: ${fmt(stats.byStatus)}. ` +
          `Mirror holds ${mirrorSize ?? "an unknown number of"} sources. ${searchable}` +
          originNote(origin);
        return ok({ ...stats, mirrorSize, chunks, ...origin }, text);
      }),
  );
}
