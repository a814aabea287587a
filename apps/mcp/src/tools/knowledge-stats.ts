import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/db/schemas";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { OriginShape } from "../output-schemas.js";
import { ok, originNote, safely } from "../tool-result.js";

const counts = <T extends z.ZodEnum>(keys: T) => z.record(keys, z.number().int());

export function registerKnowledgeStatsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_stats",
    {
      title: "Knowledge base statistics",
      description: "How many sources the knowledge base holds, by type, authority tier and status, and how many the offline mirror holds.",
      inputSchema: {},
      outputSchema: {
        total: z.number().int(),
        byType: counts(SourceTypeSchema),
        byTier: counts(AuthorityTierSchema),
        byStatus: counts(SourceStatusSchema),
        mirrorSize: z.number().int().nullable(),
        ...OriginShape,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      safely(async () => {
        const { catalog, store } = await deps.kmcp.ready();
        const [{ stats, ...origin }, mirrorSize] = await Promise.all([catalog.stats(), store.sources.count().catch(() => null)]);
        const fmt = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ");
        const text =
          `${stats.total} sources. By type: ${fmt(stats.byType)}. By tier: ${fmt(stats.byTier)}. By status: ${fmt(stats.byStatus)}. ` +
          `Mirror holds ${mirrorSize ?? "an unknown number of"} sources.` +
          originNote(origin);
        return ok({ ...stats, mirrorSize, ...origin }, text);
      }),
  );
}
