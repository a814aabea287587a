import { SyncModeSchema } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { SyncStateOutputSchema } from "../output-schemas.js";
import { ok, safely } from "../tool-result.js";

export function registerKnowledgeSyncTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_sync",
    {
      title: "Sync or inspect the offline mirror",
      description:
        "The offline mirror is a copy of the source catalog that answers when the database is down. " +
        "action=status reports how fresh it is; action=run syncs it now (mode=incremental copies only changes; mode=full compares everything and repairs drift). Safe to repeat.",
      inputSchema: {
        action: z.enum(["status", "run"]).default("status").describe("status (default) or run"),
        mode: SyncModeSchema.default("incremental").describe("for action=run: incremental (default) or full"),
      },
      outputSchema: {
        state: SyncStateOutputSchema,
        report: z.object({ mode: SyncModeSchema, upserted: z.number(), deleted: z.number(), unchanged: z.number(), durationMs: z.number() }).nullable(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ action, mode }) =>
      safely(async () => {
        const { sync } = await deps.kmcp.ready();
        // Within the MCP client's usual 60 s request timeout; BUSY then names the process syncing.
        const report = action === "run" ? await sync.syncSources({ mode, waitMs: 30_000 }) : null;
        const state = await sync.getState();
        const summary = report
          ? `Synced (${report.mode}) in ${report.durationMs} ms: ${report.upserted} written, ${report.deleted} deleted, ${report.unchanged} unchanged. `
          : "";
        const text = `${summary}Mirror status: ${state.status}; database ${state.isOnline ? "online" : "OFFLINE"}; last successful sync ${
          state.lastSuccessAt?.toISOString() ?? "never"
        }; ${state.mirrorSize ?? "unknown"} sources mirrored.${state.error ? ` Last error (${state.error.side}): ${state.error.message}` : ""}${
          state.lease && !state.lease.self ? ` Syncing now: ${state.lease.holder}.` : ""
        }${state.trigger ? ` Background syncs: ${state.trigger.mode === "push" ? "on every change PostgreSQL notifies" : `polling (${state.trigger.reason})`}.` : ""}`;
        const reportOut = report && { mode: report.mode, upserted: report.upserted, deleted: report.deleted, unchanged: report.unchanged, durationMs: report.durationMs };
        return ok({ state, report: reportOut }, text);
      }),
  );
}
