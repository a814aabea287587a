import { spawn, type ChildProcess } from "node:child_process";
import { createDb } from "@kmcp/db";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, call, tempHome } from "./harness.js";
import { TOOL_NAMES } from "./tool-names.js";

const TOKEN = "test-token-0123456789abcdef";

/** Starts the built server with --http on a free port; resolves its URL from the "listening" log line. */
async function startHttp(args: string[], env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
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

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: "kmcp-http-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

const initialize = (headers: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
});

describe("the MCP server over Streamable HTTP", () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const [postgres, chroma] = await Promise.all([startPrivatePostgres(), startPrivateChroma()]);
    const db = createDb({ url: postgres.url });
    await db.migrate();
    await db.sources.create({ url: "https://http.example.test/", title: "Over HTTP", sourceType: "website", authorityTier: "tier_2_trusted" });
    await db.close();
    env = { DATABASE_URL: postgres.url, CHROMA_URL: chroma.url, KMCP_HOME: await tempHome() };
    cleanup = async () => {
      await Promise.all([postgres.destroy(), chroma.destroy()]);
    };
  });
  afterAll(() => cleanup?.());

  it("serves tools on 127.0.0.1 without a token by default", async () => {
    const server = await startHttp([], env);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const client = await connect(server.url);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
      const list = await call(client, "knowledge_sources");
      expect(list.structuredContent).toMatchObject({ origin: "primary", items: [{ title: "Over HTTP" }] });
      await client.close();
    } finally {
      server.child.kill("SIGTERM");
    }
  });

  it("refuses to bind beyond loopback without a token", async () => {
    const child = spawn(process.execPath, [bin, "--http", "--host", "0.0.0.0", "--port", "0"], { env: { ...process.env, ...env } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("KMCP_MCP_TOKEN");
  });

  it("requires the bearer token when one is configured, and refuses foreign origins", async () => {
    const server = await startHttp(["--host", "0.0.0.0"], { ...env, KMCP_MCP_TOKEN: TOKEN });
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    try {
      const none = await fetch(url, initialize({}));
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe("Bearer");
      expect((await fetch(url, initialize({ authorization: "Bearer wrong-token-0123456789" }))).status).toBe(401);

      const evil = await fetch(url, initialize({ authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" }));
      expect(evil.status).toBe(403);
      const port = new URL(url).port;
      expect((await fetch(url, initialize({ authorization: `Bearer ${TOKEN}`, origin: `http://localhost:${port}` }))).status).toBe(200);

      const client = await connect(url, { authorization: `Bearer ${TOKEN}` });
      expect((await call(client, "knowledge_source", { idOrUrl: "https://http.example.test" })).structuredContent).toMatchObject({ source: { title: "Over HTTP" } });
      await client.close();
      expect(server.stderr()).not.toContain(TOKEN);
    } finally {
      server.child.kill("SIGTERM");
    }
  });

  it("mounts /healthz and /readyz, and answers unknown paths with 404", async () => {
    const server = await startHttp([], env);
    try {
      const base = server.url.replace("/mcp", "");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.headers.get("content-type")).toContain("application/health+json");
      const report = (await ready.json()) as { status: string; checks: Record<string, unknown> };
      expect(["pass", "warn"]).toContain(report.status);
      expect(ready.status).toBe(200);
      expect(Object.keys(report.checks)).toEqual(expect.arrayContaining(["postgres:responseTime", "chroma:responseTime", "mirror:freshness", "writes:backlog"]));
      expect((await fetch(server.url.replace("/mcp", "/nope"))).status).toBe(404);
    } finally {
      server.child.kill("SIGTERM");
    }
  });
});
