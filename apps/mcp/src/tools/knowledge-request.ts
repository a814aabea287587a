import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { RequestOutputSchema } from "../output-schemas.js";
import { fail, ok, safely } from "../tool-result.js";

export function registerKnowledgeRequestTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_request",
    {
      title: "Request a new knowledge source",
      description:
        "Ask for a source to be added to the knowledge base. It starts as a pending request that a person approves or rejects. " +
        "Give the http(s) url and why it is needed. Pass your own `id` (a UUID) to make retries safe: the same id never creates a second request.",
      inputSchema: {
        url: z.string().min(1).max(2048).describe("http(s) url of the source"),
        reason: z.string().min(1).max(2000).describe("why the source is needed"),
        priority: z.number().int().min(1).max(5).default(3).describe("1 (most urgent) to 5; default 3"),
        requestedBy: z.string().min(1).max(200).optional().describe("who asks (a user or agent name)"),
        id: z.uuid().optional().describe("your own UUID for this request, so a retried call is not duplicated"),
      },
      outputSchema: { request: RequestOutputSchema },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { db, sync } = await deps.kmcp.ready();
        try {
          const request = await db.requests.create(input);
          return ok({ request }, `Request ${request.id} for ${request.url} is ${request.status} (priority ${request.priority}).`);
        } catch (error) {
          if (!sync.connectivity.reportFailure(error)) throw error;
          return fail(
            `The request was NOT recorded: the knowledge base's database is unreachable right now. Tell the user, and try again later${input.id ? " with the same id" : ""}.`,
          );
        }
      }),
  );
}

