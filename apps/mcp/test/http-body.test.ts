import { request } from "node:http";
import { silentLogger } from "@kmcp/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startHttpServer, type RunningHttpServer } from "../src/http.js";

// kmcp reads POST bodies itself and hands the SDK the parsed message; bodies the SDK refuses must
// still get the SDK's own answers, in the SDK's order of checks.
const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" };

/** A raw POST to `url` on a connection of its own; `chunks` are written one by one (chunked encoding unless content-length is given). */
function post(url: string, headers: Record<string, string | number>, chunks: (string | Buffer)[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const call = (id: number, text: string) => JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { text } } });

describe("request bodies over Streamable HTTP", () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await startHttpServer({
      createServer: () => {
        const mcp = new McpServer({ name: "body-test", version: "1.0.0" });
        mcp.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: "text", text }] }));
        return mcp;
      },
      host: "127.0.0.1",
      port: 0,
      logger: silentLogger,
    });
  });
  afterAll(() => server?.close());

  it("answers a call whose body arrives in several pieces, non-ASCII text split across them", async () => {
    const body = Buffer.from(call(7, "größe ✓ 🎉"));
    const cut = body.indexOf("✓") + 1; // inside the three bytes of ✓
    const { status, body: answer } = await post(server.url, JSON_HEADERS, [body.subarray(0, cut), body.subarray(cut)]);
    expect(status).toBe(200);
    expect(JSON.parse(answer)).toEqual({ jsonrpc: "2.0", id: 7, result: { content: [{ type: "text", text: "größe ✓ 🎉" }] } });
  });

  it("accepts a notification with 202 and no body", async () => {
    const { status, body } = await post(server.url, JSON_HEADERS, [JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })]);
    expect([status, body]).toEqual([202, ""]);
  });

  it("answers a body that is not JSON with the SDK's parse error", async () => {
    const { status, body } = await post(server.url, JSON_HEADERS, ['{"jsonrpc": "2.0", "id": 1,']);
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: { code: -32700, message: "Parse error: Invalid JSON" } });
  });

  it("answers JSON that is not a JSON-RPC message with the SDK's error", async () => {
    const { status, body } = await post(server.url, JSON_HEADERS, ["null"]);
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: { code: -32700, message: "Parse error: Invalid JSON-RPC message" } });
  });

  it("checks the content type and the Accept header before the body, as the SDK does", async () => {
    expect((await post(server.url, { ...JSON_HEADERS, "content-type": "text/plain" }, ["not json"])).status).toBe(415);
    expect((await post(server.url, { ...JSON_HEADERS, accept: "application/json" }, [call(1, "x")])).status).toBe(406);
  });

  it("refuses a body over the SDK's size limit, declared or streamed, with 413", async () => {
    const declared = await post(server.url, { ...JSON_HEADERS, "content-length": DEFAULT_MAX_REQUEST_BODY_SIZE + 1 }, []);
    expect(declared.status).toBe(413);
    const big = Buffer.alloc(1024 * 1024, " ");
    const streamed = await post(server.url, JSON_HEADERS, [call(1, "x"), big, big, big, big, big]);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { message: expect.stringContaining(`must not exceed ${DEFAULT_MAX_REQUEST_BODY_SIZE} bytes`) } });
    // The server still answers afterwards.
    expect((await post(server.url, JSON_HEADERS, [call(2, "still here")])).status).toBe(200);
  });
});
