/**
 * The MCP server in-process for unit tests: the SDK's client against createServer(deps) over a
 * linked in-memory pair, with services made of plain fakes (only what each tool calls).
 */
import type { Kmcp, KmcpServices } from "@kmcp/runtime";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createServer } from "../src/server.js";

type Fakes = { [K in keyof KmcpServices]?: unknown };

/** A Kmcp whose ready() resolves the given fakes; a service a tool does not call is left out. */
export function fakeKmcp(services: Fakes | (() => Promise<never>)): Kmcp {
  return {
    ready: typeof services === "function" ? services : async () => services as unknown as KmcpServices,
    close: async () => {},
  };
}

const clients: Client[] = [];

/** Closes every client connect() opened (call it in afterEach). */
export async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
}

/** A connected client that has listed the tools (so it validates structuredContent against their output schemas). */
export async function connect(kmcp: Kmcp, options: { allowAcquire?: boolean } = {}): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createServer({ kmcp, ...options });
  const client = new Client({ name: "kmcp-unit", version: "1.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  clients.push(client);
  await client.listTools();
  return client;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Record<string, unknown> };
}

export const text = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
