import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/**
 * A local OAuth authorization server, as far as a resource server sees one: its keys, generated
 * here, published as a JWKS on 127.0.0.1, and tokens signed with them. Counts JWKS fetches.
 */
export async function startLocalIssuer() {
  let keys = [await signingKey("key-1")];
  let jwksFetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
    jwksFetches++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const nowS = () => Math.floor(Date.now() / 1000);

  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwksFetches: () => jwksFetches,
    /** Publish these keys from now on (a rotation). */
    publish(next: SigningKey[]) {
      keys = next;
    },
    /** A signed access token: the issuer's first key and one hour of validity unless told otherwise. */
    async token(claims: JWTPayload & { aud: string }, options: { key?: SigningKey; expiresAt?: number; iss?: string } = {}) {
      const key = options.key ?? keys[0]!;
      return new SignJWT({ scope: "kmcp:read kmcp:write", client_id: "test-client", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "at+jwt" })
        .setIssuer(options.iss ?? issuer)
        .setSubject("user-1")
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? nowS() + 3600)
        .sign(key.privateKey);
    },
    /** The same claims with `alg: none` and no signature. */
    unsigned(claims: JWTPayload & { aud: string }) {
      return new UnsecuredJWT({ scope: "kmcp:read kmcp:write", ...claims }).setIssuer(issuer).setSubject("user-1").setExpirationTime(nowS() + 3600).encode();
    },
    /** An HMAC token whose secret is the published public key: the old algorithm-confusion attack. */
    async hmacWithPublicKey(claims: JWTPayload & { aud: string }) {
      const secret = new TextEncoder().encode(JSON.stringify(keys[0]!.publicJwk));
      return new SignJWT({ scope: "kmcp:read kmcp:write", ...claims })
        .setProtectedHeader({ alg: "HS256", kid: keys[0]!.kid })
        .setIssuer(issuer)
        .setExpirationTime(nowS() + 3600)
        .sign(secret);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
