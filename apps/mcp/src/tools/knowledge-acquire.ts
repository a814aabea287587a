import { AuthorityTierSchema, MAX_TITLE_LENGTH, MAX_URL_LENGTH, SourceTypeSchema } from "@kmcp/core";
import { ACQUIRE_STEPS, type AcquireStep } from "@kmcp/runtime";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { ok, safely } from "../tool-result.js";

const STEP_MESSAGES: Record<AcquireStep, string> = {
  fetched: "fetched the document",
  extracted: "extracted its text",
  ingested: "stored its chunks",
  synced: "made it searchable",
};

/** Registered only when the operator sets KMCP_MCP_ALLOW_ACQUIRE=1 (deps.allowAcquire). */
export function registerKnowledgeAcquireTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_acquire",
    {
      title: "Acquire a url into the knowledge base",
      description:
        "Fetch an http(s) url (HTML, PDF, Word, Markdown, text), extract its text and ingest it as a source, so knowledge_search finds it. " +
        "Run again to refresh: an unchanged document writes nothing. A url that cannot be fetched or read leaves its source failed with the reason. " +
        "Check it first with knowledge_preflight. Send a progress token to get a notification at each step.",
      inputSchema: {
        url: z.string().min(1).max(MAX_URL_LENGTH).describe("the http(s) url to acquire"),
        title: z.string().min(1).max(MAX_TITLE_LENGTH).optional().describe("title of the source (default: the document's own title)"),
        sourceType: SourceTypeSchema.optional().describe("source type (default for a new source: documentation)"),
        authorityTier: AuthorityTierSchema.optional().describe("authority tier (default for a new source: tier_2_trusted)"),
      },
      outputSchema: {
        url: z.string(),
        finalUrl: z.string().describe("the url after redirects"),
        redirects: z.array(z.string()),
        sourceId: z.string(),
        sourceCreated: z.boolean(),
        title: z.string(),
        outcome: z.enum(["not_modified", "added", "replaced", "unchanged", "empty"]).describe("not_modified: HTTP 304, nothing written"),
        kind: z.string().nullable().describe("html, pdf, docx, markdown or text; null when not modified"),
        chunks: z.number().int(),
        synced: z.boolean().describe("false when the sync that makes it searchable failed (the next one catches up)"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    ({ url, ...options }, extra) =>
      safely(async () => {
        const { acquire } = await deps.kmcp.ready();
        const progressToken = extra._meta?.progressToken;
        const onStep = async (step: AcquireStep) => {
          if (progressToken === undefined) return;
          const progress = ACQUIRE_STEPS.indexOf(step) + 1;
          await extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress, total: ACQUIRE_STEPS.length, message: STEP_MESSAGES[step] } });
        };
        const { sync, ...result } = await acquire(url, { ...options, onStep });
        const synced = sync !== null || result.outcome === "not_modified";
        const text =
          result.outcome === "not_modified"
            ? `${result.finalUrl} is not modified since the last fetch (HTTP 304); source ${result.sourceId} is unchanged.`
            : `${result.finalUrl}: ${result.kind ?? "document"} "${result.title}" ${result.outcome}, ${result.chunks} chunk(s), source ${result.sourceId}${result.sourceCreated ? " (new)" : ""}.` +
              (synced ? " It is searchable now." : " The sync that makes it searchable failed; the next background sync will.");
        return ok({ ...result, synced }, text);
      }),
  );
}
