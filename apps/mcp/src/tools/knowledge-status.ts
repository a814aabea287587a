import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { SyncStateOutputSchema } from "../output-schemas.js";
import { ok, safely } from "../tool-result.js";

export function registerKnowledgeStatusTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_status",
    {
      title: "Knowledge base health",
      description:
        "Is the knowledge base healthy? Reports whether the database is online, how fresh the offline mirror is, and the health checks " +
        "(pass / warn / fail). Degraded (database down, answers from a fresh mirror) is warn.",
      inputSchema: {},
      outputSchema: {
        status: z.enum(["pass", "warn", "fail"]),
        online: z.boolean(),
        mirror: SyncStateOutputSchema,
        health: z.record(z.string(), z.unknown()).describe("the full health report (IETF health check format)"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      safely(async () => {
        const { sync, health: check } = await deps.kmcp.ready();
        const [mirror, health] = await Promise.all([sync.getState(), check.report()]);
        const status = health.status;
        const text =
          `Health: ${status}${health.output ? ` (${health.output})` : ""}. Database ${mirror.isOnline ? "online" : "OFFLINE (reads come from the mirror)"}. ` +
          `Mirror: ${mirror.status}, last synced ${mirror.lastSuccessAt?.toISOString() ?? "never"}, ${mirror.mirrorSize ?? "unknown"} sources.`;
        return ok({ status, online: mirror.isOnline, mirror, health }, text);
      }),
  );
}
