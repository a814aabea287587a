import type { Kmcp } from "@kmcp/runtime";

/** What the tools need. `kmcp.ready()` connects on first use, so start-up stays instant. */
export interface ServerDeps {
  kmcp: Kmcp;
  /** KMCP_MCP_ALLOW_ACQUIRE=1: list `knowledge_acquire`, so assistants may acquire urls themselves. */
  allowAcquire?: boolean;
}
