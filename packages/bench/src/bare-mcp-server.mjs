// The protocol's own cost: an SDK server answering knowledge_sources with a constant page.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const page = {
  items: Array.from({ length: 20 }, (_, i) => ({ id: `id-${i}`, url: `https://bench-${i}.example.test/`, title: `Benchmark source ${i}` })),
  nextCursor: null,
  origin: "primary",
  asOf: null,
};
const server = new McpServer({ name: "bare", version: "1.0.0" });
server.registerTool("knowledge_sources", { description: "constant" }, async () => ({
  structuredContent: page,
  content: [{ type: "text", text: JSON.stringify(page) }],
}));
await server.connect(new StdioServerTransport());
