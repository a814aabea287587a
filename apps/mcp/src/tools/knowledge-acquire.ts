import { AcquireSourceOptionsSchema, CoreError, CrawlScopeSchema, MAX_URL_LENGTH } from "@kmcp/core";
import { ACQUIRE_STEPS, type AcquireStep } from "@kmcp/runtime";
import { crawlOutputSchema, crawlSite } from "./knowledge-acquire-crawl.js";
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
        "Check it first with knowledge_preflight. Send a progress token to get a notification at each step. " +
        "With crawl: true, crawl the site instead: every page under the url's folder (same host), politely (robots.txt, Crawl-delay, Retry-After, " +
        "at most `concurrency` requests at once), into one source whose search results cite each page; a crawl that was interrupted resumes; progress per page.",
      inputSchema: {
        url: z.string().min(1).max(MAX_URL_LENGTH).describe("the http(s) url to acquire"),
        title: AcquireSourceOptionsSchema.shape.title.describe("title of the source (default: the document's own title)"),
        sourceType: AcquireSourceOptionsSchema.shape.sourceType.describe("source type (default for a new source: documentation)"),
        authorityTier: AcquireSourceOptionsSchema.shape.authorityTier.describe("authority tier (default for a new source: tier_2_trusted)"),
        crawl: z.boolean().optional().describe("crawl the whole site under the url (default false: the one document)"),
        maxPages: CrawlScopeSchema.shape.maxPages.unwrap().optional().describe("with crawl: pages fetched at most (default 500)"),
        maxDepth: CrawlScopeSchema.shape.maxDepth.unwrap().optional().describe("with crawl: links away from the url at most (default: no limit)"),
        include: CrawlScopeSchema.shape.include.unwrap().optional().describe("with crawl: only URLs matching one of these globs (/path/** or a whole-URL pattern)"),
        exclude: CrawlScopeSchema.shape.exclude.unwrap().optional().describe("with crawl: leave out URLs matching these globs"),
        concurrency: CrawlScopeSchema.shape.concurrency.unwrap().optional().describe("with crawl: requests in flight at once (default 3)"),
      },
      outputSchema: {
        url: z.string(),
        finalUrl: z.string().optional().describe("the url after redirects (one document)"),
        redirects: z.array(z.string()).optional(),
        sourceId: z.string(),
        sourceCreated: z.boolean(),
        title: z.string().optional(),
        outcome: z.enum(["not_modified", "added", "replaced", "unchanged", "empty"]).optional().describe("one document: not_modified is HTTP 304, nothing written"),
        kind: z.string().nullable().optional().describe("html, pdf, docx, markdown or text; null when not modified"),
        chunks: z.number().int(),
        crawl: crawlOutputSchema.optional().describe("with crawl: what the crawl did"),
        synced: z.boolean().describe("false when the sync that makes it searchable failed (the next one catches up)"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    ({ url, crawl, maxPages, maxDepth, include, exclude, concurrency, ...options }, extra) =>
      safely(async () => {
        const progressToken = extra._meta?.progressToken;
        if (crawl) {
          const scope = { maxPages, maxDepth, include, exclude, concurrency };
          return crawlSite(deps, url, { ...options, scope }, progressToken === undefined ? null : (params) => extra.sendNotification({ method: "notifications/progress", params: { progressToken, ...params } }));
        }
        if ([maxPages, maxDepth, include, exclude, concurrency].some((v) => v !== undefined)) {
          throw new CoreError("VALIDATION", "maxPages, maxDepth, include, exclude and concurrency go with crawl: true.");
        }
        const { acquire } = await deps.kmcp.ready();
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
