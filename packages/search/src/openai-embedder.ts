import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import type { Embedder } from "./embedder.js";
import { SearchError } from "./errors.js";
import { parseInput } from "./parse-input.js";
import { backoffDelayMs, isRetryableStatus, retryAfterMs } from "./retry.js";

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

/** Seams for tests: the HTTP client and the wait between retries. */
export interface OpenAiEmbedderDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const EmbeddingResponseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()),
    }),
  ),
});

/** Why an embedding request failed, in `SearchError.data.reason`. */
type FailureReason = "http" | "timeout" | "unreachable" | "network" | "invalid-response";

interface Failure {
  reason: FailureReason;
  /** The rest of the message after "failed: ", without the hint. */
  what: string;
  hint: string;
  status?: number;
  cause?: Error;
}

type AttemptOutcome = { ok: true; body: string } | { ok: false; failure: Failure; retryable: boolean; waitMs?: number };

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const SERVER_MESSAGE_MAX = 300;

/**
 * An Embedder backed by any OpenAI-compatible `POST /v1/embeddings` server (OpenAI, Ollama, vLLM,
 * LM Studio, llama.cpp...). Batches are sent one after another and every answer is checked (count,
 * order, finite numbers, one dimension throughout) before a vector is handed out, because a wrong
 * vector stored in the index fails silently at search time, long after the cause.
 * @throws {SearchError} `VALIDATION` naming each bad option (never echoing values).
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions, deps: OpenAiEmbedderDeps = {}): Embedder {
  const resolved = parseInput(OpenAiEmbedderOptionsSchema, options, "OpenAI embedder options");
  const { model, dimensions, batchSize, maxRetries, timeoutMs, apiKeyName } = resolved;
  const apiKey = resolved.apiKey || undefined;
  const baseUrl = resolved.baseUrl.replace(/\/+$/, "");
  const url = `${baseUrl}/embeddings`;
  const redact = makeRedactor(apiKey);
  const doFetch: typeof fetch = (input, init) => (deps.fetch ?? globalThis.fetch)(input, init);
  const sleep = deps.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;

  // Given, or learned from the first answer; every later vector must have this length.
  let dimension: number | undefined = dimensions;

  function httpHint(status: number): string {
    if (status === 401) return apiKey ? `check ${apiKeyName}` : `the server wants an API key; set ${apiKeyName}`;
    if (status === 403) return `the API key may not use model "${model}"; check ${apiKeyName} and the model's access`;
    if (status === 404) {
      return `check that baseUrl ends in /v1 (e.g. http://localhost:11434/v1) and that model "${model}" exists on the server`;
    }
    if (status === 413) return "the request is too large for the server; lower batchSize";
    if (status === 400 || status === 422) {
      const dims = dimensions === undefined ? "" : `, that it supports dimensions=${dimensions}`;
      return `check that model "${model}" is an embedding model${dims} and that no text exceeds its context length`;
    }
    if (status === 429) return "the server is rate-limiting; lower batchSize or try again later";
    if (status >= 500) return "the server failed; check its logs";
    return "the server refused the request";
  }

  function networkFailure(error: unknown): Failure {
    const cause = scrubError(error, redact);
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return {
        reason: "timeout",
        what: `no answer within ${timeoutMs} ms`,
        hint: "check the server's health, or lower batchSize or raise timeoutMs",
        cause,
      };
    }
    const code = errorCode(error);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return {
        reason: "unreachable",
        what: `the host ${new URL(baseUrl).host} could not be resolved (${code})`,
        hint: "check the host name in baseUrl",
        cause,
      };
    }
    if (code && UNREACHABLE_CODES.has(code)) {
      const how = code === "ECONNREFUSED" ? "connection refused" : code;
      return {
        reason: "unreachable",
        what: `the server is not reachable at ${baseUrl} (${how})`,
        hint: "check that it is running and that baseUrl is right",
        cause,
      };
    }
    const detail = code ?? (error instanceof Error ? error.message : String(error));
    return { reason: "network", what: `the connection failed (${redact(detail)})`, hint: "check the network and baseUrl", cause };
  }

  async function attempt(body: string): Promise<AttemptOutcome> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(url, { method: "POST", headers, body, signal });
      // Read inside the try: a body cut off by a dropped connection or the timeout is retried.
      if (response.ok) return { ok: true, body: await response.text() };
    } catch (error) {
      return { ok: false, retryable: true, failure: networkFailure(error) };
    }
    const text = await response.text().catch(() => "");
    const serverMessage = serverMessageOf(text, redact);
    const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    return {
      ok: false,
      retryable: isRetryableStatus(response.status),
      waitMs: retryAfterMs(response.headers),
      failure: {
        reason: "http",
        status: response.status,
        what: serverMessage ? `${statusLine}: "${serverMessage}"` : statusLine,
        hint: httpHint(response.status),
      },
    };
  }

  function fail(failure: Failure, attempts: number): SearchError {
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    const verb = failure.reason === "invalid-response" ? "returned an unusable answer" : `failed${after}`;
    const message = redact(`Embedding request to ${url} ${verb}: ${failure.what} — ${failure.hint}.`);
    return new SearchError("EMBEDDER", message, {
      ...(failure.cause ? { cause: failure.cause } : {}),
      data: { reason: failure.reason, status: failure.status, url: redact(url), attempts },
    });
  }

  /** One request, retried as the options say; the raw body of the successful answer. */
  async function post(body: string): Promise<{ body: string; attempts: number }> {
    for (let attempts = 1; ; attempts += 1) {
      const outcome = await attempt(body);
      if (outcome.ok) return { body: outcome.body, attempts };
      if (!outcome.retryable || attempts > maxRetries) throw fail(outcome.failure, attempts);
      await sleep(outcome.waitMs ?? backoffDelayMs(attempts - 1, resolved.retryBaseDelayMs, resolved.retryMaxDelayMs));
    }
  }

  async function embedBatch(batch: readonly string[]): Promise<number[][]> {
    const request = { model, input: batch, encoding_format: "float", ...(dimensions === undefined ? {} : { dimensions }) };
    const { body, attempts } = await post(JSON.stringify(request));
    const invalid = (what: string, hint = "check that baseUrl points at an OpenAI-compatible /v1 API") =>
      fail({ reason: "invalid-response", status: 200, what, hint }, attempts);

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      const start = body.replace(/\s+/g, " ").trim().slice(0, 60);
      throw invalid(`the body is not JSON (it starts ${JSON.stringify(start)})`, "baseUrl should be the API's, ending in /v1");
    }
    const parsed = EmbeddingResponseSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
      throw invalid(`it does not have the shape { data: [{ index, embedding: number[] }] } (${problems.join("; ")})`);
    }
    const data = parsed.data.data;
    if (data.length !== batch.length) {
      throw invalid(`${data.length} embedding(s) for ${batch.length} texts`, "the server does not handle batched input; try batchSize 1");
    }
    const vectors: (number[] | undefined)[] = new Array<number[] | undefined>(batch.length);
    for (const item of data) {
      if (item.index >= batch.length || vectors[item.index]) {
        throw invalid(`embedding indexes are not 0..${batch.length - 1} each once (saw ${item.index} out of place)`);
      }
      vectors[item.index] = item.embedding;
    }
    const ordered = vectors as number[][];
    const expected = dimension ?? ordered[0]?.length ?? 0;
    for (const [index, vector] of ordered.entries()) {
      if (vector.length === 0) throw invalid(`embedding ${index} is empty`);
      if (vector.length !== expected) {
        const hint =
          dimensions !== undefined
            ? `model "${model}" may not support shortening; remove dimensions or set it to ${vector.length}`
            : dimension === undefined
              ? `the server mixes vector sizes in one answer; check model "${model}"`
              : "the server's model changed since earlier answers; check the model, and re-embed if it changed on purpose";
        throw invalid(`embedding ${index} has ${vector.length} dimensions where ${expected} were expected`, hint);
      }
    }
    dimension = expected;
    return ordered;
  }

  return {
    id: dimensions === undefined ? `openai:${model}` : `openai:${model}@${dimensions}`,
    get dimension() {
      return dimension;
    },
    async embed(texts: readonly string[]): Promise<number[][]> {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        for (const vector of await embedBatch(texts.slice(start, start + batchSize))) vectors.push(vector);
      }
      return vectors;
    },
  };
}

/**
 * A function that removes the API key from text: the whole key, any 8+ character run of it (servers
 * echo keys half-masked, e.g. `sk-proj-abcd****`), and any `Bearer <token>`.
 */
function makeRedactor(apiKey: string | undefined): (text: string) => string {
  return (text) => {
    let out = text.replace(/(bearer\s+)[^\s"',;]{8,}/gi, "$1***");
    if (!apiKey) return out;
    out = out.split(apiKey).join("***");
    return out.replace(/[A-Za-z0-9_\-.+/=]{8,}/g, (run) => (apiKey.includes(run) ? "***" : run));
  };
}

/** The server's own explanation of an error (OpenAI, Ollama, vLLM and FastAPI shapes, else the raw body), redacted then shortened. */
function serverMessageOf(body: string, redact: (text: string) => string): string | undefined {
  let message: string | undefined;
  try {
    message = pickMessage(JSON.parse(body) as unknown);
  } catch {
    // Not JSON: the raw body (a proxy's HTML page, a plain-text error) still says something.
  }
  const text = redact(message ?? body).replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  return text.length > SERVER_MESSAGE_MAX ? `${text.slice(0, SERVER_MESSAGE_MAX)}…` : text;
}

function pickMessage(json: unknown): string | undefined {
  if (!json || typeof json !== "object") return undefined;
  const { error, message, detail } = json as Record<string, unknown>;
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  if (typeof message === "string") return message;
  if (typeof detail === "string") return detail;
  return detail === undefined ? undefined : JSON.stringify(detail);
}

/** The first system error code (ECONNREFUSED...) in an error's cause chain; fetch wraps them in TypeError("fetch failed"). */
function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
  }
  return undefined;
}

/** A copy of an error chain, kept as `cause` for debugging, with the key redacted from every message and stack. */
function scrubError(error: unknown, redact: (text: string) => string, depth = 0): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redact(original.message));
  copy.name = original.name;
  copy.stack = original.stack === undefined ? undefined : redact(original.stack);
  const code = (original as { code?: unknown }).code;
  if (typeof code === "string") Object.assign(copy, { code });
  if (original.cause !== undefined && depth < 5) copy.cause = scrubError(original.cause, redact, depth + 1);
  return copy;
}
