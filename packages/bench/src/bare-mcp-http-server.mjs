// The protocol's own cost over Streamable HTTP, for the load figure: the SDK's stateless pattern
// (a fresh server and transport per request, JSON responses, as kmcp serves) answering kmcp's two
// read tools with the very results kmcp gave for the same arguments (BARE_ANSWERS: answerKey →
// result), so both send the same bytes. Prints {"port": n} on stdout when listening.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { answerKey } from "./answer-key.mjs";

const answers = JSON.parse(readFileSync(process.env.BARE_ANSWERS, "utf8"));

function mcpServer() {
  const server = new McpServer({ name: "bare", version: "1.0.0" });
  for (const tool of ["knowledge_sources", "knowledge_search"]) {
    server.registerTool(tool, { description: "constant", inputSchema: z.looseObject({}) }, async (args) => {
      const answer = answers[answerKey(tool, args)];
      if (!answer) throw new Error(`no answer recorded for ${answerKey(tool, args)}`);
      return answer;
    });
  }
  return server;
}

const http = createServer(async (req, res) => {
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
});
http.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: http.address().port })}\n`));
process.once("SIGTERM", () => http.close(() => process.exit(0)));
