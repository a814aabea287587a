import { createHash, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export interface HttpServerOptions {
  /** A fresh MCP server per request (stateless Streamable HTTP: any number of clients). */
  createServer: () => McpServer;
  host: string;
  port: number;
  /** Required as `Authorization: Bearer <token>` on /mcp when set. */
  token?: string | undefined;
  /** Origins allowed to call /mcp from a browser (DNS-rebinding protection); loopback origins on this port always are. */
  allowedOrigins?: string[];
  /** Mounted before /mcp, e.g. the /healthz and /readyz handler of @kmcp/health; returns false for paths it does not serve. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  logger: Logger;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

function sendJsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/** Pure: is this request's Origin acceptable? No Origin (not a browser) is. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes(origin.toLowerCase());
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const expected = options.token ? digest(options.token) : undefined;
  let allowedOrigins: string[] = [];

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every error itself
  const server = createHttpServer(async (req, res) => {
    try {
      if (options.extraRoutes && (await options.extraRoutes(req, res))) return;
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path !== "/mcp") return sendJsonRpcError(res, 404, "Not found: the MCP endpoint is /mcp.");
      if (!originAllowed(req.headers.origin, allowedOrigins)) {
        options.logger.warn("refused a request from a foreign origin", { origin: req.headers.origin });
        return sendJsonRpcError(res, 403, "Forbidden: this origin may not call the server.");
      }
      if (expected) {
        const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
        if (!given || !timingSafeEqual(digest(given), expected)) {
          return sendJsonRpcError(res, 401, "Unauthorized: send Authorization: Bearer <token>.", { "www-authenticate": "Bearer" });
        }
      }
      const mcp = options.createServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      options.logger.error("http request failed", { error: (error as Error).message });
      if (!res.headersSent) sendJsonRpcError(res, 500, "Internal error.");
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  allowedOrigins = [
    ...["127.0.0.1", "localhost", "[::1]"].map((h) => `http://${h}:${port}`),
    ...(options.allowedOrigins ?? []).map((o) => o.toLowerCase()),
  ];
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
