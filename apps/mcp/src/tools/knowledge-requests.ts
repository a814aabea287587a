import { MAX_PAGE_SIZE, RequestStatusSchema } from "@kmcp/db/schemas";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { RequestOutputSchema } from "../output-schemas.js";
import { fail, ok, safely } from "../tool-result.js";

export function registerKnowledgeRequestsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_requests",
    {
      title: "List source requests",
      description: "List requests to add sources, oldest first, optionally by status (pending, approved, rejected, completed).",
      inputSchema: {
        status: RequestStatusSchema.optional().describe("only requests in this status"),
        limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe("how many to return (1-1000, default 20)"),
        cursor: z.string().min(1).max(1000).optional().describe("nextCursor from a previous call"),
      },
      outputSchema: { items: z.array(RequestOutputSchema), nextCursor: z.string().nullable() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { db, sync } = await deps.kmcp.ready();
        try {
          const page = await db.requests.list(input);
          const lines = page.items.map((r) => `- [${r.status}] p${r.priority} ${r.url} — ${r.reason} (id ${r.id})`);
          return ok(page, `${page.items.length} request(s)${page.nextCursor ? `; more with cursor ${page.nextCursor}` : ""}.\n${lines.join("\n")}`);
        } catch (error) {
          if (!sync.connectivity.reportFailure(error)) throw error;
          return fail("Requests cannot be listed right now: the knowledge base's database is unreachable (requests are not kept in the offline mirror).");
        }
      }),
  );
}
