import type { Kmcp } from "@kmcp/runtime";
import type { ToolCallHooks } from "./tool-calls.js";

/** What the tools need. `kmcp.ready()` connects on first use, so start-up stays instant. */
export interface ServerDeps {
  kmcp: Kmcp;
  /** KMCP_MCP_ALLOW_ACQUIRE=1: list `knowledge_acquire`, so assistants may acquire urls themselves. */
  allowAcquire?: boolean;
  /** The write-scope rule and timing around every tool call (the HTTP server's; stdio has none). */
  toolCalls?: ToolCallHooks;
}
