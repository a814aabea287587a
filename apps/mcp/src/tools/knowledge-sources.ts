import { AuthorityTierSchema, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, MAX_QUERY_TEXT_LENGTH, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { OriginShape, SourceOutputSchema } from "../output-schemas.js";
import { ok, originNote, safely } from "../tool-result.js";

export const KnowledgeSourcesInput = {
  sourceType: SourceTypeSchema.optional().describe("only sources of this type"),
  authorityTier: AuthorityTierSchema.optional().describe("only sources of this authority tier (tier_1_canonical is the most authoritative)"),
  status: SourceStatusSchema.optional().describe("only sources in this status"),
  query: z.string().min(1).max(MAX_QUERY_TEXT_LENGTH).optional().describe("case-insensitive text to find in the title or url"),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe(`how many to return (1-${MAX_PAGE_SIZE}, default 20)`),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional().describe("nextCursor from a previous call, for the next page"),
};

export function registerKnowledgeSourcesTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_sources",
    {
      title: "List knowledge sources",
      description:
        "List the knowledge base's sources (documentation sites, standards, blogs, repositories), ordered by url, " +
        "optionally filtered by type, authority tier, status or text. Use it to find which sources exist before citing or requesting one. " +
        "Pages: pass nextCursor back as cursor. If the database is down the answer comes from an offline mirror: check `origin` and `asOf`.",
      inputSchema: KnowledgeSourcesInput,
      outputSchema: { items: z.array(SourceOutputSchema), nextCursor: z.string().nullable(), ...OriginShape },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { catalog } = await deps.kmcp.ready();
        const page = await catalog.list(input);
        const lines = page.items.map((s) => `- ${s.title} — ${s.url} (${s.sourceType}, ${s.authorityTier}, ${s.status}) [id ${s.id}]`);
        const text =
          `${page.items.length} source(s)${page.nextCursor ? `; more with cursor ${page.nextCursor}` : ""}.\n${lines.join("\n")}` + originNote(page);
        return ok(page, text);
      }),
  );
}
