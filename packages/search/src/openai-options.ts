import { z } from "zod";

const BaseUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL, e.g. http://localhost:11434/v1" })
  // Refused rather than stripped: a key hidden in the URL would be sent as basic auth nobody asked
  // for, and would end up in every message that names the URL.
  .refine(
    (value) => !URL.canParse(value) || !/^[a-z]+:\/\/[^/?#]*@/i.test(value),
    "must not contain credentials (user:password@); pass the key as apiKey",
  )
  .refine((value) => !URL.canParse(value) || (!new URL(value).search && !new URL(value).hash), "must not have a query string or fragment")
  .refine(
    (value) => !URL.canParse(value) || !/\/embeddings\/*$/.test(new URL(value).pathname),
    "must stop before /embeddings, e.g. https://api.openai.com/v1",
  );

/** Options of createOpenAiEmbedder(). */
export const OpenAiEmbedderOptionsSchema = z.strictObject({
  /**
   * Base URL up to and including /v1, e.g. https://api.openai.com/v1, http://localhost:11434/v1
   * (Ollama), http://localhost:8000/v1 (vLLM), http://localhost:1234/v1 (LM Studio). http(s) only;
   * a trailing slash is fine. Credentials in the URL are refused (use apiKey).
   */
  baseUrl: BaseUrlSchema,
  /** Model name as the server knows it, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  model: z.string().trim().min(1, "must not be empty").max(256),
  /**
   * Sent as `Authorization: Bearer <key>`. Optional because local servers need none; an empty or
   * blank string counts as no key, so an unset-but-exported environment variable just works.
   */
  apiKey: z
    .string()
    .trim()
    .refine((value) => /^[\x21-\x7e]*$/.test(value), "must be printable ASCII without spaces")
    .optional(),
  /** Names the key's setting in messages about authentication failures. */
  apiKeyName: z.string().min(1).max(100).default("KMCP_EMBEDDING_API_KEY"),
  /** Asked of models that support shortening (OpenAI text-embedding-3-*); also checked against every answer. */
  dimensions: z.number().int().positive().max(65_536).optional(),
  /** Texts per request. OpenAI accepts up to 2048; small local servers are happier with fewer. */
  batchSize: z.number().int().min(1).max(2048).default(64),
  /** Further attempts after a network error, a timeout, HTTP 408/409/425/429 or 5xx; 0 disables retrying. */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** Upper bound on one attempt, answer body included, before it counts as a timeout. */
  timeoutMs: z.number().int().positive().max(600_000).default(30_000),
  /** First backoff delay; doubles each retry (with jitter) up to retryMaxDelayMs. */
  retryBaseDelayMs: z.number().int().min(0).max(60_000).default(500),
  /** Cap of the backoff delay. A server's Retry-After is honoured up to 30 s regardless. */
  retryMaxDelayMs: z.number().int().min(0).max(60_000).default(8_000),
});

export type OpenAiEmbedderOptions = z.input<typeof OpenAiEmbedderOptionsSchema>;
