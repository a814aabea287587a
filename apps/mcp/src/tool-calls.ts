import type { ToolCallObservation } from "@kmcp/metrics";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { fail } from "./tool-result.js";

/** What happens around every tool call: the write-scope rule, and timing for /metrics. */
export interface ToolCallHooks {
  /** Tokens without this scope may call only tools that do not write (KMCP_MCP_OAUTH_WRITE_SCOPE). */
  writeScope?: string | undefined;
  observe?: ((call: ToolCallObservation) => void) | undefined;
}

/**
 * Pure: does this call change anything? Every tool not marked read-only does (so a new write
 * tool is guarded by default), except knowledge_sync asked only for its status.
 */
export function callWrites(tool: string, annotations: ToolAnnotations | undefined, args: unknown): boolean {
  if (annotations?.readOnlyHint === true) return false;
  if (tool === "knowledge_sync") return (args as { action?: unknown } | undefined)?.action === "run";
  return true;
}

/** Pure: the refusal for a call that writes, from a token without the write scope; undefined when allowed. */
export function writeRefusal(tool: string, writes: boolean, auth: AuthInfo | undefined, writeScope: string | undefined): string | undefined {
  // No token (stdio, or HTTP without auth) or no write scope configured: nothing to check.
  if (!writes || !auth || !writeScope || auth.scopes.includes(writeScope)) return undefined;
  return `Refused: ${tool} changes the knowledge base, so it needs the scope "${writeScope}", which this access token does not carry. Read tools work without it; ask your administrator for a token with "${writeScope}".`;
}

const originOf = (result: CallToolResult): ToolCallObservation["origin"] => {
  const origin = result.structuredContent?.origin;
  return origin === "primary" || origin === "mirror" ? origin : "none";
};

type Callback = (args: unknown, extra: { authInfo?: AuthInfo }) => Promise<CallToolResult>;

/**
 * Wraps every tool registered on `server` from now on. Done once here rather than in each
 * tool's file, so no tool can forget the scope rule or go unmeasured.
 */
export function hookToolCalls(server: McpServer, hooks: ToolCallHooks): void {
  const register = server.registerTool.bind(server) as (name: string, config: { annotations?: ToolAnnotations }, callback: Callback) => unknown;
  const wrapped = (name: string, config: { annotations?: ToolAnnotations }, callback: Callback) =>
    register(name, config, async (args, extra) => {
      const started = performance.now();
      const refusal = writeRefusal(name, callWrites(name, config.annotations, args), extra.authInfo, hooks.writeScope);
      if (refusal) {
        hooks.observe?.({ tool: name, origin: "none", outcome: "refused", seconds: (performance.now() - started) / 1000 });
        return fail(refusal);
      }
      let result: CallToolResult | undefined;
      try {
        result = await callback(args, extra);
        return result;
      } finally {
        hooks.observe?.({
          tool: name,
          origin: result ? originOf(result) : "none",
          outcome: result && !result.isError ? "ok" : "error",
          seconds: (performance.now() - started) / 1000,
        });
      }
    });
  server.registerTool = wrapped as unknown as McpServer["registerTool"];
}
