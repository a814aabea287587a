import { MAX_PAGE_SIZE, RequestStatusSchema } from "@kmcp/db/schemas";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { RequestOutputSchema } from "../output-schemas.js";
import { ok, safely } from "../tool-result.js";

export function registerKnowledgeRequestsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_requests",
    {
      title: "List source requests",
      description:
        "List requests to add sources, oldest first, optionally by status (pending, approved, rejected, completed). " +
        "Requests queued while the database was down appear with pendingUpload: true.",
      inputSchema: {
        status: RequestStatusSchema.optional().describe("only requests in this status"),
        limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe("how many to return (1-1000, default 20)"),
        cursor: z.string().min(1).max(1000).optional().describe("nextCursor from a previous call"),
      },
      outputSchema: {
        items: z.array(RequestOutputSchema.extend({ pendingUpload: z.boolean().optional() })),
        nextCursor: z.string().nullable(),
        storedUnavailable: z.boolean().describe("true when the database is unreachable and only locally queued requests are listed"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { db, sync, requests } = await deps.kmcp.ready();
        let page: { items: Awaited<ReturnType<typeof db.requests.list>>["items"]; nextCursor: string | null };
        let storedUnavailable = false;
        try {
          page = await db.requests.list(input);
        } catch (error) {
          if (!sync.connectivity.reportFailure(error)) throw error;
          page = { items: [], nextCursor: null };
          storedUnavailable = true;
        }
        // Requests queued while the database was down are listed on the first page, marked pendingUpload.
        const queued = input.cursor || (input.status && input.status !== "pending") ? [] : await requests.pending();
        const items = [...page.items, ...queued];
        const lines = items.map((r) => `- [${"pendingUpload" in r ? "pending upload" : r.status}] p${r.priority} ${r.url} — ${r.reason} (id ${r.id})`);
        const note = storedUnavailable ? "\n\nNote: the database is unreachable, so only requests queued locally are listed." : "";
        return ok(
          { items, nextCursor: page.nextCursor, storedUnavailable },
          `${items.length} request(s)${page.nextCursor ? `; more with cursor ${page.nextCursor}` : ""}.\n${lines.join("\n")}${note}`,
        );
      }),
  );
}
