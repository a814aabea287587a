import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerDeps } from "./deps.js";

const RESOURCE_LIST_LIMIT = 1000;

/** The sync state, and each source, as readable resources. */
export function registerResources(server: McpServer, deps: ServerDeps): void {
  server.registerResource(
    "sync-state",
    "kmcp://sync/state",
    { title: "Offline mirror state", description: "How fresh the offline mirror is and how the last sync went", mimeType: "application/json" },
    async (uri) => {
      const { sync } = await deps.kmcp.ready();
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(await sync.getState(), null, 2) }] };
    },
  );

  server.registerResource(
    "source",
    new ResourceTemplate("kmcp://sources/{id}", {
      list: async () => {
        const { catalog } = await deps.kmcp.ready();
        const page = await catalog.list({ limit: RESOURCE_LIST_LIMIT });
        return {
          resources: page.items.map((s) => ({ uri: `kmcp://sources/${s.id}`, name: s.title, description: s.url, mimeType: "application/json" })),
        };
      },
    }),
    { title: "Knowledge source", description: "One source of the knowledge base, with where the answer came from", mimeType: "application/json" },
    async (uri, { id }) => {
      const { catalog } = await deps.kmcp.ready();
      const found = await catalog.get(String(id));
      if (!found.source) throw new Error(`No source with id ${String(id)}.`);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(found, null, 2) }] };
    },
  );
}
