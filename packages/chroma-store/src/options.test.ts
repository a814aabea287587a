import { describe, expect, it } from "vitest";
import { ChromaStoreError } from "./errors.js";
import { resolveChromaStoreOptions } from "./options.js";

function validationError(options: unknown): ChromaStoreError {
  try {
    resolveChromaStoreOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ChromaStoreError);
    expect((error as ChromaStoreError).code).toBe("VALIDATION");
    return error as ChromaStoreError;
  }
  throw new Error("expected a VALIDATION error");
}

describe("resolveChromaStoreOptions", () => {
  it("defaults to Chroma's own address, tenant and database, and the kmcp_ prefix", () => {
    expect(resolveChromaStoreOptions({})).toEqual({
      host: "localhost",
      port: 8000,
      ssl: false,
      displayUrl: "http://localhost:8000",
      headers: undefined,
      tenant: "default_tenant",
      database: "default_database",
      collectionPrefix: "kmcp_",
      requestTimeoutMs: 15_000,
      limits: { maxBatchSize: Infinity, maxResults: Infinity, maxConcurrentRequests: Infinity },
      secrets: [],
    });
    expect(resolveChromaStoreOptions(undefined).port).toBe(8000);
  });

  it("sends an API key as x-chroma-token, leaves tenant and database to the key, and defaults to Chroma Cloud's quotas", () => {
    const resolved = resolveChromaStoreOptions({ url: "https://api.trychroma.com", apiKey: "ck-secret-key-1" });
    expect(resolved).toMatchObject({
      headers: { "x-chroma-token": "ck-secret-key-1" },
      tenant: undefined,
      database: undefined,
      limits: { maxBatchSize: 300, maxResults: 300, maxConcurrentRequests: 10 },
      secrets: ["ck-secret-key-1"],
    });
    expect(resolved.displayUrl).not.toContain("ck-secret");
    const explicit = resolveChromaStoreOptions({ host: "h", port: 1, apiKey: "k-123", tenant: "t", database: "d", maxBatchSize: 100, maxResults: 50, maxConcurrentRequests: 2 });
    expect(explicit).toMatchObject({ tenant: "t", database: "d", limits: { maxBatchSize: 100, maxResults: 50, maxConcurrentRequests: 2 } });
    expect(explicit.headers).toEqual({ "x-chroma-token": "k-123" });
    // Limits apply to a self-hosted server too, without a key.
    expect(resolveChromaStoreOptions({ maxResults: 300 }).limits).toEqual({ maxBatchSize: Infinity, maxResults: 300, maxConcurrentRequests: Infinity });
  });

  it("takes a URL apart, defaulting the port by scheme", () => {
    expect(resolveChromaStoreOptions({ url: "https://chroma.example.com" })).toMatchObject({
      host: "chroma.example.com",
      port: 443,
      ssl: true,
    });
    expect(resolveChromaStoreOptions({ url: "http://10.0.0.5:9001/" })).toMatchObject({ host: "10.0.0.5", port: 9001, ssl: false });
  });

  it("accepts host and port", () => {
    expect(resolveChromaStoreOptions({ host: "::1", port: 8001, collectionPrefix: "" })).toMatchObject({
      host: "[::1]",
      port: 8001,
      displayUrl: "http://[::1]:8001",
      collectionPrefix: "",
    });
  });

  it("turns URL credentials into basic auth and keeps them out of the display URL", () => {
    const resolved = resolveChromaStoreOptions({ url: "http://admin:p%40ss@chroma:8000" });
    expect(resolved.headers).toEqual({ Authorization: `Basic ${Buffer.from("admin:p@ss").toString("base64")}` });
    expect(resolved.displayUrl).toBe("http://chroma:8000");
    expect(resolved.secrets).toEqual(["p@ss"]);
  });

  it("rejects bad options with messages that name the field and never echo a password", () => {
    expect(validationError({ url: "ftp://user:hunter2@x" }).message).not.toContain("hunter2");
    expect(validationError({ url: "ftp://x" }).message).toMatch(/url/);
    expect(validationError({ url: "http://x:8000/chroma" }).message).toMatch(/path/);
    expect(validationError({ url: "http://x:8000", host: "y", port: 1 }).message).toMatch(/url/);
    expect(validationError({ host: "x" }).message).toMatch(/port/);
    expect(validationError({ host: "x", port: 70_000 }).message).toMatch(/port/);
    expect(validationError({ collectionPrefix: "-bad" }).message).toMatch(/collectionPrefix/);
    expect(validationError({ collectionPrefix: "has space_" }).message).toMatch(/collectionPrefix/);
    expect(validationError({ requestTimeoutMs: 0 }).message).toMatch(/requestTimeoutMs/);
    expect(validationError({ tenant: "" }).message).toMatch(/tenant/);
    expect(validationError({ unknown: 1 }).message).toMatch(/unknown/);
    expect(validationError({ apiKey: "" }).message).toMatch(/apiKey/);
    expect(validationError({ maxBatchSize: 0 }).message).toMatch(/maxBatchSize/);
    expect(validationError({ maxResults: 1.5 }).message).toMatch(/maxResults/);
    expect(validationError({ maxConcurrentRequests: -1 }).message).toMatch(/maxConcurrentRequests/);
  });
});
