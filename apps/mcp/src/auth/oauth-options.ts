import { z } from "zod";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or http on a loopback host only (a local authorization server). */
const SecureUrl = z.url().refine((value) => {
  const url = new URL(value);
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
}, "must be https (http only on 127.0.0.1, localhost or [::1])");

const Scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "must be one scope: printable, no spaces or quotes");

/**
 * OAuth 2.1 resource-server settings (KMCP_MCP_OAUTH_*). The JWKS must live on the issuer's own
 * origin, so a token can never make the server fetch keys from anywhere else.
 */
export const OAuthOptionsSchema = z
  .object({
    issuer: SecureUrl.describe("the authorization server's issuer identifier, exactly as in its tokens' iss"),
    jwksUrl: SecureUrl.describe("where the issuer publishes its signing keys (JWKS)"),
    resource: z.url().describe("this server's public MCP endpoint, e.g. https://kmcp.example.com/mcp"),
    audience: z.string().min(1).optional().describe("the aud tokens must carry (default: resource)"),
    readScope: Scope.optional().describe("a scope every OAuth token must carry"),
    writeScope: Scope.optional().describe("a scope needed by tools that write (knowledge_request, knowledge_sync run, knowledge_acquire)"),
  })
  .refine((o) => new URL(o.jwksUrl).origin === new URL(o.issuer).origin, {
    message: "must be on the issuer's origin (the server fetches keys from the issuer only)",
    path: ["jwksUrl"],
  })
  .transform((o) => ({ ...o, audience: o.audience ?? o.resource }));

export type OAuthOptions = z.output<typeof OAuthOptionsSchema>;
