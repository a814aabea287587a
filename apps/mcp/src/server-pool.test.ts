import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createServerPool } from "./server-pool.js";

function echoServer() {
  const server = new McpServer({ name: "echo", version: "1" });
  server.registerTool("echo", { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
  return server;
}

async function callThrough(server: McpServer, text: string) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "c", version: "1" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const result = await client.callTool({ name: "echo", arguments: { text } });
  await client.close();
  return (result.content as { text: string }[])[0]!.text;
}

describe("the pool of MCP servers", () => {
  it("hands a released server to the next request, which it serves like a new one", async () => {
    let made = 0;
    const pool = createServerPool(() => (made++, echoServer()));
    const first = pool.acquire();
    expect(await callThrough(first, "one")).toBe("one");
    await pool.release(first);
    expect(pool.idle).toBe(1);
    const again = pool.acquire();
    expect(again).toBe(first);
    expect(await callThrough(again, "two")).toBe("two");
    expect(made).toBe(1);
  });

  it("makes new servers while all are busy, and keeps at most maxIdle", async () => {
    const pool = createServerPool(echoServer, 2);
    const busy = [pool.acquire(), pool.acquire(), pool.acquire()];
    expect(new Set(busy).size).toBe(3);
    for (const server of busy) await pool.release(server);
    expect(pool.idle).toBe(2);
  });
});
