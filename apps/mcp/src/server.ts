import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerDeps } from "./deps.js";
import { registerResources } from "./resources.js";
import { hookToolCalls } from "./tool-calls.js";
import { registerKnowledgeAcquireTool } from "./tools/knowledge-acquire.js";
import { registerKnowledgePreflightTool } from "./tools/knowledge-preflight.js";
import { registerKnowledgeRequestTool } from "./tools/knowledge-request.js";
import { registerKnowledgeRequestsTool } from "./tools/knowledge-requests.js";
import { registerKnowledgeSearchTool } from "./tools/knowledge-search.js";
import { registerKnowledgeSourceTool } from "./tools/knowledge-source.js";
import { registerKnowledgeSourcesTool } from "./tools/knowledge-sources.js";
import { registerKnowledgeStatsTool } from "./tools/knowledge-stats.js";
import { registerKnowledgeStatusTool } from "./tools/knowledge-status.js";
import { registerKnowledgeSyncTool } from "./tools/knowledge-sync.js";

import packageJson from "../package.json" with { type: "json" };

/** The published version, read from package.json so it cannot drift from it. */
export const SERVER_VERSION: string = packageJson.version;

/** Cheap and side-effect free: nothing connects until a tool or resource is used. */
export function createServer(deps: ServerDeps): McpServer {
  const server = new McpServer(
    { name: "kmcp", title: "kmcp knowledge base", version: SERVER_VERSION },
    {
      instructions:
        "A knowledge base of sources (documentation, standards, blogs, repositories) with authority tiers. " +
        "Use knowledge_search to find passages in the ingested documents, and show the user the citation (title and url) of each passage you use. " +
        "Reads keep working when its database is down, from an offline mirror; such answers say origin=mirror and asOf. Tell the user when an answer may be stale.",
    },
  );
  if (deps.toolCalls) hookToolCalls(server, deps.toolCalls);
  registerKnowledgeSearchTool(server, deps);
  registerKnowledgeSourcesTool(server, deps);
  registerKnowledgeSourceTool(server, deps);
  registerKnowledgeRequestTool(server, deps);
  registerKnowledgeRequestsTool(server, deps);
  registerKnowledgeSyncTool(server, deps);
  registerKnowledgeStatusTool(server, deps);
  registerKnowledgeStatsTool(server, deps);
  registerKnowledgePreflightTool(server, deps);
  // Off unless the operator allows it: assistants then ask through knowledge_request instead.
  if (deps.allowAcquire) registerKnowledgeAcquireTool(server, deps);
  registerResources(server, deps);
  return server;
}
