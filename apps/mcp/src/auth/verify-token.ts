import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "@kmcp/core";
import { InvalidTokenError, ServerError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { OAuthTokenVerifier } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { OAuthOptions } from "./oauth-options.js";

/** Signature algorithms accepted: asymmetric only (the issuer's public keys), never `none` or an HMAC. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
/** Leeway for the issuer's and this server's clocks when checking `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 30;
/** A static token never expires; the SDK's gate wants a number. */
const NEVER = Number.MAX_SAFE_INTEGER;

export interface TokenVerifierOptions {
  /** KMCP_MCP_TOKEN: one shared token that carries every scope. */
  token?: string | undefined;
  /** JWT access tokens from an OAuth 2.1 authorization server. */
  oauth?: OAuthOptions | undefined;
  logger: Logger;
  /** How the JWKS is cached: jose's defaults are 10 min and 30 s; tests shorten them. */
  jwksCache?: { maxAgeMs?: number; cooldownMs?: number };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The token's scopes: RFC 9068's space-separated `scope`, or the `scp` array some issuers send. */
export function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === "string") return payload.scope.split(" ").filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === "string");
  if (typeof payload.scp === "string") return payload.scp.split(" ").filter(Boolean);
  return [];
}

/**
 * Why a JWT was refused, in words safe to send back and log (jose's messages name claims,
 * never the token). Undefined when the fault is the issuer's (its keys could not be fetched).
 */
export function refusalReason(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return "The access token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "The access token was not issued for this server (wrong audience).";
    if (error.claim === "iss") return "The access token was not issued by the configured issuer.";
    if (error.claim === "exp") return "The access token has no expiry time.";
    if (error.claim === "nbf") return "The access token is not valid yet.";
    return `The access token's ${error.claim} claim is not valid.`;
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return undefined;
  if (error instanceof errors.JOSEError && error.code !== "ERR_JOSE_GENERIC") {
    return "The access token is not a JWT signed by one of the issuer's keys.";
  }
  return undefined;
}

/**
 * Checks bearer tokens: the static KMCP_MCP_TOKEN (compared in constant time), else a JWT access
 * token against the issuer's keys (signature, issuer, audience, expiry). The JWKS is fetched from
 * the configured URL only, cached, and fetched again for an unknown key id (at most every
 * cooldown) or when the cache ages out, so a key rotation is picked up.
 *
 * @throws {InvalidTokenError} for a token that is refused (→ 401)
 * @throws {ServerError} when the issuer's keys cannot be fetched (→ 500)
 */
export function createTokenVerifier(options: TokenVerifierOptions): OAuthTokenVerifier {
  const expected = options.token ? digest(options.token) : undefined;
  const { oauth, logger } = options;
  const scopes = [oauth?.readScope, oauth?.writeScope].filter((s): s is string => s !== undefined);
  const jwks =
    oauth &&
    createRemoteJWKSet(new URL(oauth.jwksUrl), {
      timeoutDuration: 5_000,
      ...(options.jwksCache?.maxAgeMs !== undefined && { cacheMaxAge: options.jwksCache.maxAgeMs }),
      ...(options.jwksCache?.cooldownMs !== undefined && { cooldownDuration: options.jwksCache.cooldownMs }),
    });

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      if (expected && timingSafeEqual(digest(token), expected)) return { token, clientId: "kmcp-static-token", scopes, expiresAt: NEVER };
      if (!oauth || !jwks) throw new InvalidTokenError("The token is not valid for this server.");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: oauth.issuer,
          audience: oauth.audience,
          algorithms: ALGORITHMS,
          requiredClaims: ["exp"],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch (error) {
        const reason = refusalReason(error);
        if (reason === undefined) {
          logger.warn("could not fetch the issuer's keys (JWKS)", { jwksUrl: oauth.jwksUrl, error: (error as Error).message });
          throw new ServerError("The authorization server's keys could not be fetched; try again later.");
        }
        logger.info("refused a bearer token", { reason });
        throw new InvalidTokenError(reason);
      }
      const clientId = [payload.client_id, payload.azp, payload.sub].find((v): v is string => typeof v === "string") ?? "unknown";
      // The SDK's gate checks expiry again, without leeway: give it the same leeway as jose had.
      return { token, clientId, scopes: scopesOf(payload), expiresAt: payload.exp! + CLOCK_TOLERANCE_S };
    },
  };
}
