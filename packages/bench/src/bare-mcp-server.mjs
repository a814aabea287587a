// The protocol's own cost: an SDK server that answers knowledge_sources with a constant — the
// very result kmcp gave (read from the file in BARE_ANSWER), so both send the same bytes.
import { readFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const answer = JSON.parse(readFileSync(process.env.BARE_ANSWER, "utf8"));
const server = new McpServer({ name: "bare", version: "1.0.0" });
server.registerTool("knowledge_sources", { description: "constant" }, async () => answer);
await server.connect(new StdioServerTransport());
