import { describe, expect, it } from "vitest";
import { readEnv } from "./env.js";

const ISSUER = "https://auth.example.test/realms/team";
const oauthEnv = {
  KMCP_MCP_OAUTH_ISSUER: ISSUER,
  KMCP_MCP_OAUTH_JWKS_URL: `${ISSUER}/protocol/openid-connect/certs`,
  KMCP_MCP_OAUTH_RESOURCE: "https://kmcp.example.test/mcp",
};

function serve(argv: string[], env: Record<string, string>) {
  const read = readEnv(argv, env);
  if ("info" in read) throw new Error("expected options");
  return read.serve;
}

describe("the server's OAuth options (KMCP_MCP_OAUTH_*)", () => {
  it("are off when none is set", () => {
    expect(serve(["--http"], {}).oauth).toBeUndefined();
  });

  it("take the audience from the resource unless given, and the scopes as given", () => {
    expect(serve(["--http"], oauthEnv).oauth).toEqual({ issuer: ISSUER, jwksUrl: oauthEnv.KMCP_MCP_OAUTH_JWKS_URL, resource: oauthEnv.KMCP_MCP_OAUTH_RESOURCE, audience: oauthEnv.KMCP_MCP_OAUTH_RESOURCE });
    const scoped = serve(["--http"], { ...oauthEnv, KMCP_MCP_OAUTH_AUDIENCE: "api://kmcp", KMCP_MCP_OAUTH_READ_SCOPE: "kmcp:read", KMCP_MCP_OAUTH_WRITE_SCOPE: "kmcp:write" });
    expect(scoped.oauth).toMatchObject({ audience: "api://kmcp", readScope: "kmcp:read", writeScope: "kmcp:write" });
  });

  it("allow binding beyond loopback without a static token", () => {
    expect(serve(["--http", "--host", "0.0.0.0"], oauthEnv).oauth?.issuer).toBe(ISSUER);
    expect(() => serve(["--http", "--host", "0.0.0.0"], {})).toThrow(/needs KMCP_MCP_TOKEN or KMCP_MCP_OAUTH_ISSUER/);
  });

  it.each([
    ["a JWKS on another origin than the issuer", { KMCP_MCP_OAUTH_JWKS_URL: "https://keys.example.test/jwks.json" }, /KMCP_MCP_OAUTH_JWKS_URL: must be on the issuer's origin/],
    ["an http issuer off loopback", { KMCP_MCP_OAUTH_ISSUER: "http://auth.example.test", KMCP_MCP_OAUTH_JWKS_URL: "http://auth.example.test/jwks" }, /KMCP_MCP_OAUTH_ISSUER: must be https/],
    ["settings without an issuer", { KMCP_MCP_OAUTH_ISSUER: "" }, /KMCP_MCP_OAUTH_ISSUER: /],
    ["no resource", { KMCP_MCP_OAUTH_RESOURCE: "" }, /KMCP_MCP_OAUTH_RESOURCE: /],
    ["a scope with a space", { KMCP_MCP_OAUTH_WRITE_SCOPE: "kmcp write" }, /KMCP_MCP_OAUTH_WRITE_SCOPE: must be one scope/],
  ])("refuse %s, naming the variable", (_, change, message) => {
    expect(() => serve(["--http"], { ...oauthEnv, ...change })).toThrow(message);
  });

  it("accept an http issuer on loopback (a local authorization server)", () => {
    const local = { KMCP_MCP_OAUTH_ISSUER: "http://127.0.0.1:8080", KMCP_MCP_OAUTH_JWKS_URL: "http://127.0.0.1:8080/jwks" };
    expect(serve(["--http"], { ...oauthEnv, ...local }).oauth?.issuer).toBe("http://127.0.0.1:8080");
  });
});
