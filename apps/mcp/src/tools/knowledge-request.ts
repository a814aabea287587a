import { MAX_NAME_LENGTH, MAX_REASON_LENGTH, MAX_URL_LENGTH } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { RequestOutputSchema } from "../output-schemas.js";
import { ok, safely } from "../tool-result.js";

export function registerKnowledgeRequestTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_request",
    {
      title: "Request a new knowledge source",
      description:
        "Ask for a source to be added to the knowledge base. It starts as a pending request that a person approves or rejects. " +
        "Give the http(s) url and why it is needed. Pass your own `id` (a UUID) to make retries safe: the same id never creates a second request. " +
        "If the database is down the request is queued locally (queued: true) and uploaded automatically later.",
      inputSchema: {
        url: z.string().min(1).max(MAX_URL_LENGTH).describe("http(s) url of the source"),
        reason: z.string().min(1).max(MAX_REASON_LENGTH).describe("why the source is needed"),
        priority: z.number().int().min(1).max(5).default(3).describe("1 (most urgent) to 5; default 3"),
        requestedBy: z.string().min(1).max(MAX_NAME_LENGTH).optional().describe("who asks (a user or agent name)"),
        id: z.uuid().optional().describe("your own UUID for this request, so a retried call is not duplicated"),
      },
      outputSchema: {
        request: RequestOutputSchema.extend({ pendingUpload: z.boolean().optional() }),
        queued: z.boolean().describe("true when the database was unreachable and the request waits in the local queue"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { requests } = await deps.kmcp.ready();
        const { outcome, request } = await requests.create(input);
        if (outcome === "queued") {
          return ok(
            { request, queued: true },
            `The database is unreachable, so request ${request.id} for ${request.url} was queued locally; it will be uploaded automatically when the database is back. Tell the user it is pending upload.`,
          );
        }
        return ok({ request, queued: false }, `Request ${request.id} for ${request.url} is ${request.status} (priority ${request.priority}).`);
      }),
  );
}

