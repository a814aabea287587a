import { MAX_URL_LENGTH, SourceStatusSchema } from "@kmcp/core";
import type { PreflightResult } from "@kmcp/runtime";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { OriginShape } from "../output-schemas.js";
import { ok, originNote, safely } from "../tool-result.js";

const PreflightOutputShape = {
  url: z.string().describe("the url, normalised as kmcp stores it"),
  allowed: z.boolean().describe("whether kmcp may fetch it: http(s), a public address (unless the operator allows private ones), robots.txt"),
  reachable: z.boolean().nullable().describe("whether it answered with a success; null when not tried (not allowed)"),
  reason: z.string().nullable().describe("why it is not allowed, not reachable or would be refused; null when acquiring would go ahead"),
  probe: z
    .object({
      finalUrl: z.string(),
      redirects: z.array(z.string()),
      status: z.number().int(),
      method: z.enum(["HEAD", "GET"]),
      contentType: z.string().nullable(),
      contentLength: z.number().int().nullable().describe("bytes, when the server says (Content-Length)"),
      supported: z.boolean().describe("whether kmcp reads this content type"),
    })
    .nullable()
    .describe("what the url answered to a HEAD (or a one-byte GET); null when it was not allowed or did not answer"),
  source: z
    .object({ id: z.string(), title: z.string(), status: SourceStatusSchema, url: z.string() })
    .nullable()
    .describe("the source already stored for this url, if any"),
  action: z.enum(["create", "update", "refuse"]).describe("what acquiring would do: create a source, update `source`, or refuse (see `reason`)"),
  ...OriginShape,
};

export function registerKnowledgePreflightTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_preflight",
    {
      title: "Check a url before acquiring it",
      description:
        "Check an http(s) url without storing anything: whether kmcp may fetch it (address rules, robots.txt), whether it answers, " +
        "its content type and size, whether a source already exists for it, and what acquiring it would do (create a source, update it, or refuse and why). " +
        "Use it before knowledge_request or knowledge_acquire.",
      inputSchema: { url: z.string().min(1).max(MAX_URL_LENGTH).describe("the http(s) url to check") },
      outputSchema: PreflightOutputShape,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ url }) =>
      safely(async () => {
        const { preflight } = await deps.kmcp.ready();
        const result = await preflight(url);
        return ok(result, describePreflight(result) + originNote(result));
      }),
  );
}

function describePreflight(r: PreflightResult): string {
  const stored = r.source ? `It is stored as source ${r.source.id} ("${r.source.title}", ${r.source.status}).` : "No source is stored for it.";
  const answered = r.probe
    ? `It answered HTTP ${r.probe.status}${r.probe.redirects.length ? ` at ${r.probe.finalUrl}` : ""}: ${r.probe.contentType ?? "no content type"}, ${r.probe.contentLength === null ? "size not given" : `${r.probe.contentLength} bytes`}.`
    : "";
  const verdict =
    r.action === "refuse" ? `Acquiring it would be refused: ${r.reason}` : r.action === "update" ? `Acquiring it would update source ${r.source?.id}.` : "Acquiring it would create a new source.";
  return [`${r.url}: ${r.allowed ? "allowed" : "not allowed"}.`, answered, stored, verdict].filter(Boolean).join(" ");
}
