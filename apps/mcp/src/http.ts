import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@kmcp/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createBearerGate, type AuthedRequest, type BearerGate } from "./auth/bearer-gate.js";
import type { OAuthOptions } from "./auth/oauth-options.js";
import { createResourceMetadataRoute, resourceMetadataUrl } from "./auth/resource-metadata.js";
import { createTokenVerifier } from "./auth/verify-token.js";
import { readJsonBody } from "./request-body.js";
import { createServerPool } from "./server-pool.js";

export interface HttpServerOptions {
  /** Makes an MCP server; each request gets one of its own (stateless Streamable HTTP: any number of clients), reused once it is done. */
  createServer: () => McpServer;
  host: string;
  port: number;
  /** A static token accepted as `Authorization: Bearer <token>` on /mcp and /metrics; it carries every scope. */
  token?: string | undefined;
  /** Accept OAuth 2.1 JWT access tokens from this issuer too, and serve the protected-resource metadata. */
  oauth?: OAuthOptions | undefined;
  /** Origins allowed to call /mcp from a browser (DNS-rebinding protection); loopback origins on this port always are. */
  allowedOrigins?: string[];
  /** Mounted before /mcp, without authentication, e.g. the /healthz and /readyz handler of @kmcp/health; returns false for paths it does not serve. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Served at GET /metrics, behind the same token rules as /mcp (e.g. a ServerMetrics of @kmcp/metrics). */
  metrics?: { contentType: string; render(): Promise<string> } | undefined;
  logger: Logger;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

function sendJsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/** Pure: is this request's Origin acceptable? No Origin (not a browser) is. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes(origin.toLowerCase());
}

/** The token check for /mcp and /metrics, or undefined when neither a token nor OAuth is configured (loopback only). */
function bearerGate(options: HttpServerOptions): BearerGate | undefined {
  const { token, oauth, logger } = options;
  if (!token && !oauth) return undefined;
  return createBearerGate({
    verifier: createTokenVerifier({ token, oauth, logger }),
    ...(oauth?.readScope && { requiredScopes: [oauth.readScope] }),
    ...(oauth && { resourceMetadataUrl: resourceMetadataUrl(oauth.resource) }),
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const gate = bearerGate(options);
  const metadataRoute = options.oauth && createResourceMetadataRoute(options.oauth);
  const servers = createServerPool(options.createServer);
  let allowedOrigins: string[] = [];

  async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: NonNullable<HttpServerOptions["metrics"]>) {
    if (req.method !== "GET") return sendJsonRpcError(res, 405, "Method not allowed: GET /metrics.", { allow: "GET" });
    const body = await metrics.render();
    res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(body);
  }

  async function serveMcp(req: AuthedRequest, res: ServerResponse) {
    const body = req.method === "POST" ? await readJsonBody(req) : undefined;
    const mcp = servers.acquire();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    // Back to the pool once the response is over (connected first, so it never goes back unconnected).
    const release = () => void servers.release(mcp).catch((error: Error) => options.logger.warn("could not close an MCP connection", { error: error.message }));
    if (res.closed) release();
    else res.once("close", release);
    await transport.handleRequest(req, res, body);
  }

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every error itself
  const server = createHttpServer(async (req: AuthedRequest, res) => {
    try {
      if (options.extraRoutes && (await options.extraRoutes(req, res))) return;
      if (metadataRoute?.(req, res)) return;
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const metrics = path === "/metrics" ? options.metrics : undefined;
      if (path !== "/mcp" && !metrics) return sendJsonRpcError(res, 404, "Not found: the MCP endpoint is /mcp.");
      if (!originAllowed(req.headers.origin, allowedOrigins)) {
        options.logger.warn("refused a request from a foreign origin", { origin: req.headers.origin });
        return sendJsonRpcError(res, 403, "Forbidden: this origin may not call the server.");
      }
      // The gate answers refused requests itself (401/403 with WWW-Authenticate); the transport
      // hands req.auth to the tools as extra.authInfo.
      if (gate && !(await gate(req, res))) return;
      await (metrics ? serveMetrics(req, res, metrics) : serveMcp(req, res));
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
