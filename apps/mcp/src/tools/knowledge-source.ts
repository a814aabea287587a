import { MAX_URL_LENGTH } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { OriginShape, SourceOutputSchema } from "../output-schemas.js";
import { fail, ok, originNote, safely } from "../tool-result.js";

export function registerKnowledgeSourceTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_source",
    {
      title: "Get one knowledge source",
      description:
        "Get one source by its id (UUID) or its url (any spelling of it: case of the host, default port, trailing slash and #fragment do not matter). " +
        "If the database is down the answer comes from an offline mirror: check `origin` and `asOf`.",
      inputSchema: { idOrUrl: z.string().min(1).max(MAX_URL_LENGTH).describe("the source's id (UUID) or its http(s) url") },
      outputSchema: { source: SourceOutputSchema, ...OriginShape },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ idOrUrl }) =>
      safely(async () => {
        const { catalog } = await deps.kmcp.ready();
        const found = await catalog.get(idOrUrl);
        if (!found.source) return fail(`No source with id or url ${idOrUrl} is in the knowledge base.${originNote(found)}`);
        const s = found.source;
        const text = [
          `${s.title} — ${s.url}`,
          `type ${s.sourceType}, tier ${s.authorityTier}, status ${s.status}, id ${s.id}`,
          s.description ?? "",
        ]
          .filter(Boolean)
          .join("\n");
        return ok(found, text + originNote(found));
      }),
  );
}
