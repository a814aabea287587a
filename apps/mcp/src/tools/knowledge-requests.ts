import { MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, RequestStatusSchema } from "@kmcp/core";
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
        limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe(`how many to return (1-${MAX_PAGE_SIZE}, default 20)`),
        cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional().describe("nextCursor from a previous call"),
      },
      outputSchema: {
        items: z.array(RequestOutputSchema.extend({ pendingUpload: z.boolean().optional() })),
        nextCursor: z.string().nullable(),
        storedUnavailable: z.boolean().describe("true when the database is unreachable and only locally queued requests are listed"),
        queuedUnavailable: z.boolean().describe("true when the local queue (in the search index) is unreachable, so queued requests are not listed"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { requests } = await deps.kmcp.ready();
        const { items: stored, nextCursor, pendingUpload, storedUnavailable, queuedUnavailable } = await requests.list(input);
        const items = [...stored, ...pendingUpload];
        const lines = items.map((r) => `- [${"pendingUpload" in r ? "pending upload" : r.status}] p${r.priority} ${r.url} — ${r.reason} (id ${r.id})`);
        const note = storedUnavailable
          ? "\n\nNote: the database is unreachable, so only requests queued locally are listed."
          : queuedUnavailable
            ? "\n\nNote: the search index is unreachable, so requests queued while the database was down are not listed."
            : "";
        return ok(
          { items, nextCursor, storedUnavailable, queuedUnavailable },
          `${items.length} request(s)${nextCursor ? `; more with cursor ${nextCursor}` : ""}.\n${lines.join("\n")}${note}`,
        );
      }),
  );
}
