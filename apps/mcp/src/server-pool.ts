import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/**
 * MCP servers for stateless HTTP, reused: building one (ten tools and their schemas, a JSON
 * Schema validator) was a quarter of the server's CPU under load. A server serves one request
 * at a time; once its transport has closed it holds no request state (the SDK allows connect()
 * again after close(), and a late handler of an aborted request replies only to its own
 * transport), so the next request can have it.
 */
export interface ServerPool {
  /** An idle server, or a new one when none is idle. */
  acquire(): McpServer;
  /** Closes the server's connection and keeps it for the next request (up to `maxIdle`). */
  release(server: McpServer): Promise<void>;
  readonly idle: number;
}

export function createServerPool(create: () => McpServer, maxIdle = 64): ServerPool {
  const idle: McpServer[] = [];
  return {
    acquire: () => idle.pop() ?? create(),
    async release(server) {
      await server.close();
      if (idle.length < maxIdle) idle.push(server);
    },
    get idle() {
      return idle.length;
    },
  };
}
