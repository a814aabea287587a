import { spawn } from "node:child_process";
import { createDb } from "@kmcp/db";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, call, connectHttp, initialize, startHttp, tempHome } from "./harness.js";
import { TOOL_NAMES } from "./tool-names.js";

const TOKEN = "test-token-0123456789abcdef";

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
      const client = await connectHttp(server.url);
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
      // The MCP SDK's challenge; no resource_metadata without OAuth.
      expect(none.headers.get("www-authenticate")).toBe('Bearer error="invalid_token", error_description="Missing Authorization header"');
      expect((await fetch(url, initialize({ authorization: "Bearer wrong-token-0123456789" }))).status).toBe(401);

      const evil = await fetch(url, initialize({ authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" }));
      expect(evil.status).toBe(403);
      const port = new URL(url).port;
      expect((await fetch(url, initialize({ authorization: `Bearer ${TOKEN}`, origin: `http://localhost:${port}` }))).status).toBe(200);

      const client = await connectHttp(url, { authorization: `Bearer ${TOKEN}` });
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

  it("serves /metrics in the Prometheus text format behind the same token, with the tool calls it timed", async () => {
    const server = await startHttp(["--host", "0.0.0.0"], { ...env, KMCP_MCP_TOKEN: TOKEN });
    const base = server.url.replace("0.0.0.0", "127.0.0.1").replace("/mcp", "");
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" } })).status).toBe(403);

      const client = await connectHttp(`${base}/mcp`, { authorization: `Bearer ${TOKEN}` });
      await call(client, "knowledge_sources");
      await call(client, "knowledge_sources");
      await call(client, "knowledge_sync", { action: "run" });
      await client.close();

      const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      expect(body).toContain('kmcp_tool_call_duration_seconds_count{tool="knowledge_sources",origin="primary",outcome="ok"} 2');
      expect(body).toContain('kmcp_tool_call_duration_seconds_count{tool="knowledge_sync",origin="none",outcome="ok"} 1');
      expect(body).toMatch(/^kmcp_postgres_online 1$/m);
      expect(body).toMatch(/^kmcp_mirror_lag_seconds 0$/m);
      expect(body).toMatch(/^kmcp_mirror_last_sync_age_seconds \d/m);
      expect(body).toMatch(/^kmcp_mirror_sources 1$/m);
      expect(body).toMatch(/^kmcp_write_backlog 0$/m);
      expect(body).toMatch(/^kmcp_sync_duration_seconds_count\{mode="incremental",outcome="success"\} [1-9]/m);
      expect(body).toContain("process_resident_memory_bytes");
      expect((await fetch(`${base}/metrics`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
      expect(server.stderr()).not.toContain(TOKEN);
    } finally {
      server.child.kill("SIGTERM");
    }
  });
});
