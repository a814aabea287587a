import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeServerTempDir, type LocalChroma, type LocalPostgres } from "@kmcp/local-servers";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Starts the built server with --http on a free port; resolves its URL from the "listening" log line. */
export async function startHttp(args: string[], env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, "--http", "--port", "0", ...args], { env: { ...process.env, ...env } });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const match = /"msg":"listening","url":"([^"]+)"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return { url, child, stderr: () => stderr };
}

/** The SDK's client over Streamable HTTP, sending `headers` with every request. */
export async function connectHttp(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: "kmcp-http-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A raw `initialize` request, for checking status codes and headers. */
export const initialize = (headers: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
});

export async function tempHome(): Promise<string> {
  return path.join(await makeServerTempDir("kmcp-mcp-"), "home");
}

/**
 * PostgreSQL and Chroma servers of the test file's own (it may stop or kill them), and the
 * environment that points the built server at them: its own KMCP_HOME, and background syncs
 * rare, so that a test syncs when it means to.
 */
export async function startStores(): Promise<{ postgres: LocalPostgres; chroma: LocalChroma; env: Record<string, string> }> {
  const [postgres, chroma] = await Promise.all([startPrivatePostgres(), startPrivateChroma()]);
  return { postgres, chroma, env: { DATABASE_URL: postgres.url, CHROMA_URL: chroma.url, KMCP_HOME: await tempHome(), KMCP_SYNC_INTERVAL_MS: "600000" } };
}

/** The built server over stdio, driven by the SDK's own client. */
export async function connectStdio(env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin],
    env: { ...(process.env as Record<string, string>), KMCP_LOG_LEVEL: "info", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "kmcp-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Calls a tool with a deadline, so a hanging server fails the test instead of stalling it. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 15_000 })) as CallToolResult & {
    structuredContent?: Record<string, unknown>;
  };
}

export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/**
 * An OpenAI-compatible embeddings endpoint that refuses every key, echoing it in its error as
 * OpenAI does: what the server must never pass on.
 */
/** The environment that points a server at an OpenAI-compatible embeddings server at `url`. */
export function openAiEmbedderEnv(url: string, apiKey: string) {
  return { KMCP_EMBEDDER: "openai", KMCP_EMBEDDING_URL: url, KMCP_EMBEDDING_MODEL: "text-embedding-3-small", KMCP_EMBEDDING_API_KEY: apiKey };
}

export async function startRefusingEmbeddings() {
  const server = createServer((req, res) => {
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", code: "invalid_api_key" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
