import type { IncomingMessage, ServerResponse } from "node:http";
import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { OAuthOptions } from "./oauth-options.js";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/**
 * Where the metadata of `resource` lives (RFC 9728 §3.1: the well-known prefix, then the
 * resource's path): https://kmcp.example.com/mcp → https://kmcp.example.com/.well-known/oauth-protected-resource/mcp.
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  return new URL(`${WELL_KNOWN}${url.pathname === "/" ? "" : url.pathname}`, url).href;
}

/** The protected-resource metadata document (RFC 9728) that tells clients which issuer to get tokens from. */
export function resourceMetadata(oauth: OAuthOptions): OAuthProtectedResourceMetadata {
  const scopes = [oauth.readScope, oauth.writeScope].filter((s): s is string => s !== undefined);
  return {
    resource: oauth.resource,
    authorization_servers: [oauth.issuer],
    bearer_methods_supported: ["header"],
    ...(scopes.length > 0 && { scopes_supported: scopes }),
    resource_name: "kmcp knowledge base",
  };
}

/**
 * Serves the document, with no authentication and to any origin (clients read it before they
 * have a token), at the path-specific URL and at the bare well-known path. Resolves false for
 * other paths.
 */
export function createResourceMetadataRoute(oauth: OAuthOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const body = JSON.stringify(resourceMetadata(oauth));
  const paths = new Set([new URL(resourceMetadataUrl(oauth.resource)).pathname, WELL_KNOWN]);
  return (req, res) => {
    if (!paths.has(new URL(req.url ?? "/", "http://localhost").pathname)) return false;
    const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, HEAD, OPTIONS" };
    if (req.method === "OPTIONS") res.writeHead(204, cors).end();
    else if (req.method === "GET" || req.method === "HEAD") {
      res.writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "max-age=300" }).end(req.method === "GET" ? body : undefined);
    } else res.writeHead(405, { ...cors, allow: "GET, HEAD, OPTIONS" }).end();
    return true;
  };
}
