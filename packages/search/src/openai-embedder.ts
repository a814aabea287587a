import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import type { Embedder } from "./embedder.js";
import { SearchError } from "./errors.js";
import { errorCode, serverMessageOf } from "./openai-failure.js";
import { OpenAiEmbedderOptionsSchema, type OpenAiEmbedderOptions } from "./openai-options.js";
import { parseInput } from "./parse-input.js";
import { backoffDelay, createRedactor, isRetryableStatus, retryAfterMs, scrubError } from "@kmcp/core";

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
  const redact = createRedactor([apiKey]);
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
      await sleep(outcome.waitMs ?? backoffDelay({ attempt: attempts - 1, baseMs: resolved.retryBaseDelayMs, maxMs: resolved.retryMaxDelayMs }));
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
