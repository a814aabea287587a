import { describe, expect, it } from "vitest";
import { parseKmcpEnv } from "./config.js";

/** The message parseKmcpEnv refused with ("" if it did not throw, so the expectations fail). */
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

describe("parseKmcpEnv", () => {
  it("defaults to the embedded services", () => {
    expect(parseKmcpEnv({ KMCP_HOME: "/tmp/k" })).toMatchObject({ databaseUrl: undefined, chromaUrl: undefined, home: "/tmp/k", logLevel: "warn", readCache: true });
  });
  it("turns the read cache off with KMCP_READ_CACHE=off, and refuses other values by name", () => {
    expect(parseKmcpEnv({ KMCP_READ_CACHE: "off" }).readCache).toBe(false);
    expect(() => parseKmcpEnv({ KMCP_READ_CACHE: "no" })).toThrow(/KMCP_READ_CACHE/);
  });
  it("syncs on notifications by default; KMCP_SYNC_NOTIFY=off polls only; bad values are refused by name", () => {
    expect(parseKmcpEnv({})).toMatchObject({ syncNotify: true, syncDebounceMs: 20, syncIntervalMs: 30_000 });
    expect(parseKmcpEnv({ KMCP_SYNC_NOTIFY: "off", KMCP_SYNC_DEBOUNCE_MS: "0" })).toMatchObject({ syncNotify: false, syncDebounceMs: 0 });
    expect(() => parseKmcpEnv({ KMCP_SYNC_NOTIFY: "yes" })).toThrow(/KMCP_SYNC_NOTIFY/);
    expect(() => parseKmcpEnv({ KMCP_SYNC_DEBOUNCE_MS: "-1" })).toThrow(/KMCP_SYNC_DEBOUNCE_MS/);
  });
  it("rejects bad values by name without echoing a password", () => {
    const message = refusal(() => parseKmcpEnv({ DATABASE_URL: "mysql://u:hunter22@h/db", CHROMA_URL: "ftp://x", KMCP_SYNC_INTERVAL_MS: "5" }));
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("CHROMA_URL");
    expect(message).toContain("KMCP_SYNC_INTERVAL_MS");
    expect(message).not.toContain("hunter22");
  });
});

describe("parseKmcpEnv: Chroma Cloud settings", () => {
  const cloud = { CHROMA_URL: "https://api.trychroma.com", CHROMA_API_KEY: "ck-Zq81secretKEY", CHROMA_TENANT: "t-1", CHROMA_DATABASE: "kb" };
  it("passes the API key, tenant, database and limits on to the store; unset, the store's defaults apply", () => {
    expect(parseKmcpEnv({}).chroma).toEqual({});
    expect(parseKmcpEnv({ ...cloud, KMCP_CHROMA_MAX_BATCH: "100", KMCP_CHROMA_MAX_RESULTS: "250", KMCP_CHROMA_MAX_CONCURRENCY: "4" }).chroma).toEqual({
      apiKey: "ck-Zq81secretKEY",
      tenant: "t-1",
      database: "kb",
      maxBatchSize: 100,
      maxResults: 250,
      maxConcurrentRequests: 4,
    });
    // Limits alone suit a self-hosted or embedded server too.
    expect(parseKmcpEnv({ KMCP_CHROMA_MAX_RESULTS: "300" }).chroma).toMatchObject({ maxResults: 300 });
  });
  it("refuses a key, tenant or database without CHROMA_URL, and bad limits, by name and without echoing the key", () => {
    const message = refusal(() => parseKmcpEnv({ CHROMA_API_KEY: cloud.CHROMA_API_KEY, CHROMA_TENANT: "t", KMCP_CHROMA_MAX_BATCH: "0", KMCP_CHROMA_MAX_CONCURRENCY: "x" }));
    expect(message).toContain("KMCP_CHROMA_MAX_BATCH");
    expect(message).toContain("KMCP_CHROMA_MAX_CONCURRENCY");
    expect(refusal(() => parseKmcpEnv({ CHROMA_API_KEY: cloud.CHROMA_API_KEY, CHROMA_TENANT: "t" }))).toMatch(/CHROMA_API_KEY: needs CHROMA_URL.*CHROMA_TENANT: needs CHROMA_URL/);
    expect(message).not.toContain("Zq81");
    expect(refusal(() => parseKmcpEnv({ ...cloud, CHROMA_API_KEY: "" }))).toContain("CHROMA_API_KEY");
  });
  it("scrubs the Chroma API key from every log line", async () => {
    const { createLogger } = await import("./logger.js");
    const lines: string[] = [];
    const logger = createLogger(parseKmcpEnv({ ...cloud, KMCP_LOG_LEVEL: "info" }), { write: (line) => lines.push(line) });
    logger.warn("chroma refused", { error: "token ck-Zq81secretKEY is not allowed", header: { "x-chroma-token": "ck-Zq81secretKEY" } });
    expect(lines.join("")).not.toContain("Zq81secretKEY");
  });
});

describe("parseKmcpEnv regressions", () => {
  it("refuses a postgresql:// URL that does not parse, without echoing it (it used to crash later, printing the password)", () => {
    for (const url of ["postgresql://kmcp:s3cr/3tPW@host:5432/db", "postgresql://kmcp:s3cr3tPW@host:99999/db", "postgresql://kmcp:s3cr3tPW@host:port/db"]) {
      const message = refusal(() => parseKmcpEnv({ DATABASE_URL: url }));
      expect(message).toContain("DATABASE_URL: is not a valid URL");
      expect(message).not.toMatch(/s3cr/);
    }
  });
});

describe("createLogger", () => {
  it("scrubs the database password from every line", async () => {
    const { createLogger } = await import("./logger.js");
    const lines: string[] = [];
    const config = parseKmcpEnv({ DATABASE_URL: "postgresql://kmcp:s3cret-pw@db:5432/kmcp", KMCP_LOG_LEVEL: "info" });
    const logger = createLogger(config, { write: (line) => lines.push(line) });
    logger.warn("could not connect", { error: 'password "s3cret-pw" rejected', url: "postgresql://kmcp:s3cret-pw@db/kmcp" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("s3cret-pw");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "could not connect" });
  });
});

describe("parseKmcpEnv: embedder and search settings", () => {
  it("defaults to the local embedder and no tier weights of its own (search's defaults apply)", () => {
    const config = parseKmcpEnv({});
    expect(config.embedder).toEqual({ kind: "local" });
    expect(config.tierWeights).toEqual({}); // none given: @kmcp/search's DEFAULT_TIER_WEIGHTS apply
  });

  it("configures an OpenAI-compatible embedder, and names what is missing without echoing the key", () => {
    const config = parseKmcpEnv({
      KMCP_EMBEDDER: "openai",
      KMCP_EMBEDDING_URL: "http://127.0.0.1:11434/v1",
      KMCP_EMBEDDING_MODEL: "nomic-embed-text",
      KMCP_EMBEDDING_DIMENSIONS: "256",
    });
    expect(config.embedder).toMatchObject({ kind: "openai", options: { baseUrl: "http://127.0.0.1:11434/v1", model: "nomic-embed-text", dimensions: 256 } });

    const message = refusal(() => parseKmcpEnv({ KMCP_EMBEDDER: "openai", KMCP_EMBEDDING_URL: "ftp://sk-live-abcdef123456@x", KMCP_EMBEDDING_API_KEY: "sk-live-abcdef123456" }));
    expect(message).toContain("KMCP_EMBEDDING_URL");
    expect(message).toContain("KMCP_EMBEDDING_MODEL (with KMCP_EMBEDDER=openai): is required");
    expect(message).not.toContain("sk-live");
  });

  it("parses tier weights and refuses bad ones by name", () => {
    expect(parseKmcpEnv({ KMCP_SEARCH_TIER_WEIGHTS: "tier_3_community=0.5, tier_1_canonical=2" }).tierWeights).toEqual({
      tier_1_canonical: 2,
      tier_2_trusted: 0.9,
      tier_3_community: 0.5,
    });
    for (const bad of ["tier_9=1", "tier_1_canonical=0", "tier_1_canonical", "tier_2_trusted=abc"]) {
      expect(() => parseKmcpEnv({ KMCP_SEARCH_TIER_WEIGHTS: bad }), bad).toThrow(/KMCP_SEARCH_TIER_WEIGHTS/);
    }
  });

  it("parses the hybrid search fusion settings and refuses bad ones by name", () => {
    expect(parseKmcpEnv({}).fusion).toEqual({}); // none given: @kmcp/search's DEFAULT_FUSION applies
    expect(parseKmcpEnv({ KMCP_SEARCH_FUSION_K: "60", KMCP_SEARCH_LEXICAL_WEIGHT: "1", KMCP_SEARCH_VECTOR_WEIGHT: "1.5" }).fusion).toEqual({
      k: 60,
      weights: { lexical: 1, vector: 1.5 },
    });
    expect(parseKmcpEnv({ KMCP_SEARCH_VECTOR_WEIGHT: "0" }).fusion).toEqual({ weights: { vector: 0 } });
    expect(parseKmcpEnv({ KMCP_SEARCH_FUSION: "rrf", KMCP_SEARCH_SOURCE_EVIDENCE: "0" }).fusion).toEqual({ method: "rrf", sourceEvidence: 0 });
    const bad: [string, string][] = [["KMCP_SEARCH_FUSION", "max"], ["KMCP_SEARCH_SOURCE_EVIDENCE", "1.5"], ["KMCP_SEARCH_FUSION_K", "-1"], ["KMCP_SEARCH_FUSION_K", "abc"], ["KMCP_SEARCH_LEXICAL_WEIGHT", "-0.5"], ["KMCP_SEARCH_VECTOR_WEIGHT", "1e9"]];
    for (const [name, value] of bad) expect(() => parseKmcpEnv({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(name));
    expect(() => parseKmcpEnv({ KMCP_SEARCH_LEXICAL_WEIGHT: "0", KMCP_SEARCH_VECTOR_WEIGHT: "0" })).toThrow(/may not both be 0/);
  });

  it("keeps the embedding API key out of log lines", async () => {
    const { createLogger } = await import("./logger.js");
    const lines: string[] = [];
    const config = parseKmcpEnv({
      KMCP_EMBEDDER: "openai",
      KMCP_EMBEDDING_URL: "https://api.openai.com/v1",
      KMCP_EMBEDDING_MODEL: "text-embedding-3-small",
      KMCP_EMBEDDING_API_KEY: "sk-proj-verysecret42",
      KMCP_LOG_LEVEL: "info",
    });
    createLogger(config, { write: (line) => lines.push(line) }).error("embedding failed", { detail: "key sk-proj-verysecret42 rejected" });
    expect(lines[0]).not.toContain("verysecret42");
  });

  it("reads KMCP_REFRESH_INTERVAL and KMCP_CRAWL_MAX_AGE as durations, and names a bad one", () => {
    expect(parseKmcpEnv({})).toMatchObject({ refreshIntervalMs: null, crawlMaxAgeMs: 7 * 86_400_000 });
    expect(parseKmcpEnv({ KMCP_REFRESH_INTERVAL: "6h", KMCP_CRAWL_MAX_AGE: "2d" })).toMatchObject({ refreshIntervalMs: 21_600_000, crawlMaxAgeMs: 172_800_000 });
    expect(() => parseKmcpEnv({ KMCP_REFRESH_INTERVAL: "5s" })).toThrow(/KMCP_REFRESH_INTERVAL: must be a duration of at least 60 s/);
    expect(() => parseKmcpEnv({ KMCP_CRAWL_MAX_AGE: "weekly" })).toThrow(/KMCP_CRAWL_MAX_AGE/);
  });

  it("reads KMCP_INGEST_THREADS as a count of 0 or more, unset leaving the default to @kmcp/search", () => {
    expect(parseKmcpEnv({}).ingestThreads).toBeUndefined();
    expect(parseKmcpEnv({ KMCP_INGEST_THREADS: "0" }).ingestThreads).toBe(0);
    expect(parseKmcpEnv({ KMCP_INGEST_THREADS: "3" }).ingestThreads).toBe(3);
    expect(() => parseKmcpEnv({ KMCP_INGEST_THREADS: "-1" })).toThrow(/KMCP_INGEST_THREADS: must be 0 or more/);
    expect(() => parseKmcpEnv({ KMCP_INGEST_THREADS: "two" })).toThrow(/KMCP_INGEST_THREADS/);
  });
});
