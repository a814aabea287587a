import { describe, expect, it } from "vitest";
import { resourceMetadata, resourceMetadataUrl } from "./resource-metadata.js";
import { scopesOf } from "./verify-token.js";

describe("the protected-resource metadata", () => {
  it.each([
    ["https://kmcp.example.test/mcp", "https://kmcp.example.test/.well-known/oauth-protected-resource/mcp"],
    ["https://kmcp.example.test/", "https://kmcp.example.test/.well-known/oauth-protected-resource"],
    ["https://example.test:8443/team/a/mcp", "https://example.test:8443/.well-known/oauth-protected-resource/team/a/mcp"],
  ])("of %s lives at %s (RFC 9728 §3.1)", (resource, url) => {
    expect(resourceMetadataUrl(resource)).toBe(url);
  });

  it("lists only the scopes that are configured", () => {
    const oauth = { issuer: "https://auth.example.test", jwksUrl: "https://auth.example.test/jwks", resource: "https://kmcp.example.test/mcp", audience: "x" };
    expect(resourceMetadata(oauth)).not.toHaveProperty("scopes_supported");
    expect(resourceMetadata({ ...oauth, writeScope: "kmcp:write" }).scopes_supported).toEqual(["kmcp:write"]);
  });
});

describe("a token's scopes", () => {
  it("come from RFC 9068's scope string or an scp list", () => {
    expect(scopesOf({ scope: "kmcp:read  kmcp:write" })).toEqual(["kmcp:read", "kmcp:write"]);
    expect(scopesOf({ scp: ["kmcp:read", 3] })).toEqual(["kmcp:read"]);
    expect(scopesOf({ scp: "kmcp:read" })).toEqual(["kmcp:read"]);
    expect(scopesOf({})).toEqual([]);
  });
});
