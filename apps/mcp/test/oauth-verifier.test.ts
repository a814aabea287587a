import { silentLogger } from "@kmcp/core";
import { InvalidTokenError, ServerError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAuthOptionsSchema } from "../src/auth/oauth-options.js";
import { createTokenVerifier } from "../src/auth/verify-token.js";
import { signingKey, startLocalIssuer } from "./local-issuer.js";

const RESOURCE = "https://kmcp.example.test/mcp";
const STATIC = "static-token-0123456789abcdef";

/** The error a verification fails with, so its class and message can both be checked. */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error("the token was accepted");
  return error;
}

describe("the bearer token verifier, against a local issuer's JWKS", () => {
  let issuer: Awaited<ReturnType<typeof startLocalIssuer>>;
  let verifier: ReturnType<typeof createTokenVerifier>;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    const oauth = OAuthOptionsSchema.parse({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, resource: RESOURCE, readScope: "kmcp:read", writeScope: "kmcp:write" });
    verifier = createTokenVerifier({ token: STATIC, oauth, logger: silentLogger, jwksCache: { cooldownMs: 200 } });
  });
  afterAll(() => issuer.close());

  it("accepts a valid token, with its scopes and client, and fetches the keys once for many tokens", async () => {
    const before = issuer.jwksFetches();
    const token = await issuer.token({ aud: RESOURCE, scope: "kmcp:read" });
    const info = await verifier.verifyAccessToken(token);
    expect(info).toMatchObject({ clientId: "test-client", scopes: ["kmcp:read"] });
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);
    for (let i = 0; i < 5; i++) await verifier.verifyAccessToken(await issuer.token({ aud: RESOURCE }));
    expect(issuer.jwksFetches() - before).toBeLessThanOrEqual(1);
  });

  it("accepts the static token with every configured scope", async () => {
    expect(await verifier.verifyAccessToken(STATIC)).toMatchObject({ clientId: "kmcp-static-token", scopes: ["kmcp:read", "kmcp:write"] });
  });

  it.each([
    ["expired", () => issuer.token({ aud: RESOURCE }, { expiresAt: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ["for another audience", () => issuer.token({ aud: "https://other.example.test/mcp" }), /audience/],
    ["from another issuer", () => issuer.token({ aud: RESOURCE }, { iss: "https://evil.example.test" }), /issuer/],
    ["signed by a key the issuer never published", async () => issuer.token({ aud: RESOURCE }, { key: await signingKey("key-1") }), /signed by one of the issuer's keys/],
    ["with alg none", async () => issuer.unsigned({ aud: RESOURCE }), /signed by one of the issuer's keys/],
    ["HMAC-signed with the public key as secret", () => issuer.hmacWithPublicKey({ aud: RESOURCE }), /signed by one of the issuer's keys/],
    ["not a JWT", async () => "not-a-jwt-at-all", /signed by one of the issuer's keys/],
  ])("refuses a token %s, without quoting it", async (_, make, reason) => {
    const token = await make();
    const error = await refusal(verifier.verifyAccessToken(token));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain(token);
  });

  it("picks up a rotated key: an unknown key id fetches the JWKS again", async () => {
    const rotated = await signingKey("key-2");
    issuer.publish([rotated]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the cooldown
    const before = issuer.jwksFetches();
    expect(await verifier.verifyAccessToken(await issuer.token({ aud: RESOURCE }, { key: rotated }))).toMatchObject({ clientId: "test-client" });
    expect(issuer.jwksFetches()).toBe(before + 1);
  });

  it("fails as the server's fault (not the token's) when the issuer's keys cannot be fetched", async () => {
    const down = await startLocalIssuer();
    const token = await down.token({ aud: RESOURCE });
    await down.close();
    const oauth = OAuthOptionsSchema.parse({ issuer: down.issuer, jwksUrl: down.jwksUrl, resource: RESOURCE });
    const error = await refusal(createTokenVerifier({ oauth, logger: silentLogger }).verifyAccessToken(token));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toMatch(/keys could not be fetched/);
  });

  it("refuses everything but the static token without OAuth", async () => {
    const only = createTokenVerifier({ token: STATIC, logger: silentLogger });
    expect((await only.verifyAccessToken(STATIC)).scopes).toEqual([]);
    expect(await refusal(only.verifyAccessToken(await issuer.token({ aud: RESOURCE })))).toBeInstanceOf(InvalidTokenError);
  });
});
