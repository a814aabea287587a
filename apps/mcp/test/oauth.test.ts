import { createDb } from "@kmcp/db";
import { OAuthProtectedResourceMetadataSchema } from "@modelcontextprotocol/sdk/shared/auth.js";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connectHttp, initialize, startHttp, tempHome, text } from "./harness.js";
import { signingKey, startLocalIssuer } from "./local-issuer.js";
import { TOOL_NAMES } from "./tool-names.js";

const RESOURCE = "https://kmcp.example.test/mcp";
const METADATA_URL = "https://kmcp.example.test/.well-known/oauth-protected-resource/mcp";
const STATIC = "static-token-0123456789abcdef";

// The built server over HTTP as a team runs it: a static token and an OAuth issuer (a local one:
// keys generated here, JWKS served on 127.0.0.1), a read scope every token needs and a write scope.
describe("the MCP server as an OAuth 2.1 resource server", () => {
  let issuer: Awaited<ReturnType<typeof startLocalIssuer>>;
  let server: Awaited<ReturnType<typeof startHttp>>;
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  const sent: string[] = [];
  /** Every token a test sends is remembered, to check none ever reaches the log. */
  const bearer = (token: string) => (sent.push(token), { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const [postgres, chroma] = await Promise.all([startPrivatePostgres(), startPrivateChroma()]);
    databaseUrl = postgres.url;
    const db = createDb({ url: databaseUrl });
    await db.migrate();
    await db.sources.create({ url: "https://team.example.test/", title: "Team docs", sourceType: "documentation", authorityTier: "tier_1_canonical" });
    await db.close();
    issuer = await startLocalIssuer();
    server = await startHttp([], {
      DATABASE_URL: postgres.url,
      CHROMA_URL: chroma.url,
      KMCP_HOME: await tempHome(),
      KMCP_LOG_LEVEL: "debug",
      KMCP_MCP_TOKEN: STATIC,
      KMCP_MCP_OAUTH_ISSUER: issuer.issuer,
      KMCP_MCP_OAUTH_JWKS_URL: issuer.jwksUrl,
      KMCP_MCP_OAUTH_RESOURCE: RESOURCE,
      KMCP_MCP_OAUTH_READ_SCOPE: "kmcp:read",
      KMCP_MCP_OAUTH_WRITE_SCOPE: "kmcp:write",
    });
    cleanup = async () => {
      server.child.kill("SIGTERM");
      await Promise.all([postgres.destroy(), chroma.destroy(), issuer.close()]);
    };
  });
  afterAll(async () => {
    expect(sent.length).toBeGreaterThan(5);
    for (const token of sent) expect(server.stderr()).not.toContain(token);
    await cleanup?.();
  });

  const base = () => server.url.replace("/mcp", "");

  it("serves the protected-resource metadata (RFC 9728) without a token, at both well-known paths", async () => {
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const response = await fetch(`${base()}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      const metadata = OAuthProtectedResourceMetadataSchema.parse(await response.json());
      expect(metadata).toMatchObject({ resource: RESOURCE, authorization_servers: [issuer.issuer], scopes_supported: ["kmcp:read", "kmcp:write"], bearer_methods_supported: ["header"] });
    }
  });

  it("answers a request without a token with 401 and a challenge that points at the metadata", async () => {
    const response = await fetch(server.url, initialize({}));
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate")!;
    expect(challenge).toMatch(/^Bearer error="invalid_token"/);
    expect(challenge).toContain(`resource_metadata="${METADATA_URL}"`);
    expect(challenge).toContain('scope="kmcp:read"');
  });

  it("serves a client with a valid access token", async () => {
    const client = await connectHttp(server.url, bearer(await issuer.token({ aud: RESOURCE, scope: "kmcp:read" })));
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    expect((await call(client, "knowledge_sources")).structuredContent).toMatchObject({ origin: "primary", items: [{ title: "Team docs" }] });
    expect((await call(client, "knowledge_sync", { action: "status" })).isError).toBeFalsy();
    await client.close();
  });

  it.each([
    ["expired", () => issuer.token({ aud: RESOURCE }, { expiresAt: Math.floor(Date.now() / 1000) - 600 }), "The access token has expired."],
    ["for another audience", () => issuer.token({ aud: "https://other.example.test/mcp" }), "The access token was not issued for this server (wrong audience)."],
    ["signed with a key the issuer never published", async () => issuer.token({ aud: RESOURCE }, { key: await signingKey("key-1") }), "The access token is not a JWT signed by one of the issuer's keys."],
    ["with alg none", async () => issuer.unsigned({ aud: RESOURCE }), "The access token is not a JWT signed by one of the issuer's keys."],
  ])("refuses a token %s with 401", async (_, make, description) => {
    const token = await make();
    const response = await fetch(server.url, initialize(bearer(token)));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(`error_description="${description}"`);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: "invalid_token", error_description: description });
    expect(body).not.toContain(token);
  });

  it("answers 403 insufficient_scope for a token without the read scope", async () => {
    const response = await fetch(server.url, initialize(bearer(await issuer.token({ aud: RESOURCE, scope: "profile" }))));
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="insufficient_scope".*scope="kmcp:read"/);
  });

  it("refuses the write tools to a token without the write scope, with a clear error, and writes nothing", async () => {
    const client = await connectHttp(server.url, bearer(await issuer.token({ aud: RESOURCE, scope: "kmcp:read" })));
    const request = await call(client, "knowledge_request", { url: "https://wanted.example.test/", reason: "read-only token" });
    expect(request.isError).toBe(true);
    expect(text(request)).toBe(
      'Refused: knowledge_request changes the knowledge base, so it needs the scope "kmcp:write", which this access token does not carry. Read tools work without it; ask your administrator for a token with "kmcp:write".',
    );
    expect(text(await call(client, "knowledge_sync", { action: "run" }))).toMatch(/^Refused: knowledge_sync changes/);
    await client.close();
    const db = createDb({ url: databaseUrl });
    expect((await db.requests.list({})).items.map((r) => r.url)).not.toContain("https://wanted.example.test/");
    await db.close();
  });

  it("lets a token with the write scope, and the static token, write", async () => {
    for (const token of [await issuer.token({ aud: RESOURCE, scope: "kmcp:read kmcp:write" }), STATIC]) {
      const client = await connectHttp(server.url, bearer(token));
      const result = await call(client, "knowledge_request", { url: `https://wanted-${sent.length}.example.test/`, reason: "allowed" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ queued: false, request: { status: "pending" } });
      await client.close();
    }
  });

  it("puts /metrics behind the same rules", async () => {
    expect((await fetch(`${base()}/metrics`)).status).toBe(401);
    expect((await fetch(`${base()}/metrics`, { headers: bearer(await issuer.token({ aud: RESOURCE, scope: "profile" })) })).status).toBe(403);
    const response = await fetch(`${base()}/metrics`, { headers: bearer(await issuer.token({ aud: RESOURCE, scope: "kmcp:read" })) });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^kmcp_tool_call_duration_seconds_count\{tool="knowledge_request",origin="none",outcome="refused"\} 1$/m);
  });
});
