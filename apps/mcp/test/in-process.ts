/**
 * The MCP server in-process for unit tests: the SDK's client against createServer(deps) over a
 * linked in-memory pair, with services made of plain fakes (only what each tool calls).
 */
import type { Kmcp, KmcpServices } from "@kmcp/runtime";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createServer } from "../src/server.js";
import type { ToolCallHooks } from "../src/tool-calls.js";

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

/**
 * A connected client that has listed the tools (so it validates structuredContent against their
 * output schemas). With `authInfo`, every message arrives as if the HTTP gate had let that token through.
 */
export async function connect(kmcp: Kmcp, options: { allowAcquire?: boolean; toolCalls?: ToolCallHooks; authInfo?: AuthInfo } = {}): Promise<Client> {
  const { authInfo, ...deps } = options;
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  if (authInfo) {
    const send = clientSide.send.bind(clientSide);
    clientSide.send = (message, sendOptions) => send(message, { ...sendOptions, authInfo });
  }
  const server = createServer({ kmcp, ...deps });
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
