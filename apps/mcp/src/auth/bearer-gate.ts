import type { IncomingMessage, ServerResponse } from "node:http";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type { OAuthTokenVerifier } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

/** A request the gate let through carries what the token proved; the SDK's transport hands it to tools as `extra.authInfo`. */
export type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

/**
 * Runs a request through the gate: resolves its AuthInfo when the token is good, or undefined
 * once the gate has answered (401 with `WWW-Authenticate` naming the resource metadata, 403
 * for a missing required scope, 500 when the issuer's keys could not be fetched).
 */
export type BearerGate = (req: AuthedRequest, res: ServerResponse) => Promise<AuthInfo | undefined>;

/**
 * The MCP SDK's own bearer check (`requireBearerAuth`: header parsing, expiry, required scopes,
 * the WWW-Authenticate challenge), written for Express, run on a plain node:http request
 * through the three response methods it uses.
 */
export function createBearerGate(options: { verifier: OAuthTokenVerifier; requiredScopes?: string[]; resourceMetadataUrl?: string }): BearerGate {
  const check = requireBearerAuth(options) as unknown as (req: AuthedRequest, res: ExpressLikeResponse, next: () => void) => Promise<void>;
  return (req, res) =>
    new Promise((resolve, reject) => {
      const reply: ExpressLikeResponse = {
        set(name, value) {
          res.setHeader(name, value);
          return reply;
        },
        status(code) {
          res.statusCode = code;
          return reply;
        },
        json(body) {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(body));
          resolve(undefined);
          return reply;
        },
      };
      check(req, reply, () => resolve(req.auth)).catch(reject);
    });
}

interface ExpressLikeResponse {
  set(name: string, value: string): ExpressLikeResponse;
  status(code: number): ExpressLikeResponse;
  json(body: unknown): ExpressLikeResponse;
}
