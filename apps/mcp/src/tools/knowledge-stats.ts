import { AuthorityTierSchema, CrawlJobStatusSchema, CrawlPageStatusSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";
import type { KmcpServices } from "@kmcp/runtime";
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
        "and how much is searchable with knowledge_search (chunks in the search index, the sources they come from, and the embedder that made them); " +
        "for crawled sites, how many sites are in each crawl state and how many pages in each page state.",
      inputSchema: {},
      outputSchema: {
        total: z.number().int(),
        byType: counts(SourceTypeSchema),
        byTier: counts(AuthorityTierSchema),
        byStatus: counts(SourceStatusSchema),
        mirrorSize: z.number().int().nullable(),
        chunks: ChunkStatsOutputSchema.nullable().describe("the search index; null when it could not be read (Chroma unreachable), the rest still answers"),
        crawls: z
          .object({
            sites: counts(CrawlJobStatusSchema).describe("crawled sites by the state of their latest crawl"),
            pages: counts(CrawlPageStatusSchema).describe("pages of crawled sites by state"),
          })
          .nullable()
          .describe("crawled sites; null when PostgreSQL could not be asked"),
        ...OriginShape,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      safely(async () => {
        const { catalog, store, search, db } = await deps.kmcp.ready();
        // Only the source counts are essential: the mirror size and the chunk counts (both in
        // Chroma) are left out, and said so, when they cannot be read.
        let chunksError = "";
        const [{ stats, ...origin }, mirrorSize, chunks, crawls] = await Promise.all([
          catalog.stats(),
          store.sources.count().catch(() => null),
          search.stats().then(
            (s) => ({ total: s.chunks, sources: s.sources, embedder: s.embedder, dimension: s.dimension }),
            (error: unknown) => {
              chunksError = errorLine(error);
              return null;
            },
          ),
          crawlStats(db).catch(() => null),
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
          (crawls && Object.values(crawls.sites).some((n) => n > 0) ? ` Crawled sites: ${fmt(crawls.sites)}; their pages: ${fmt(crawls.pages)}.` : "") +
          originNote(origin);
        return ok({ ...stats, mirrorSize, chunks, crawls, ...origin }, text);
      }),
  );
}

/** Sites by their latest crawl's state, pages by state (zeros included). */
async function crawlStats(db: KmcpServices["db"]) {
  const [sites, pages] = await Promise.all([db.crawls.sites(), db.crawls.pageStatusCounts()]);
  const bySite = Object.fromEntries(CrawlJobStatusSchema.options.map((s) => [s, sites.filter((site) => site.jobStatus === s).length]));
  const byPage = Object.fromEntries(CrawlPageStatusSchema.options.map((s) => [s, pages.find((p) => p.status === s)?.pages ?? 0]));
  return { sites: bySite as Record<(typeof CrawlJobStatusSchema.options)[number], number>, pages: byPage as Record<(typeof CrawlPageStatusSchema.options)[number], number> };
}
