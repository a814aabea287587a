import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SearchError } from "./errors.js";
import { createOpenAiEmbedder } from "./openai-embedder.js";
import type { OpenAiEmbedderOptions } from "./openai-options.js";

// A real HTTP server that speaks OpenAI's /v1/embeddings, so the tests cover what fetch really
// does (headers, bodies, status lines, refused and hanging connections), not what a mock assumes.

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; input: string[]; encoding_format?: string; dimensions?: number; [key: string]: unknown };
}
type Handler = (request: RecordedRequest, response: ServerResponse, count: number) => void;

const KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const DEFAULT_DIMS = 6;

let server: Server;
let baseUrl: string;
let requests: RecordedRequest[];
let handler: Handler;
let sleeps: number[];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

/** Deterministic vector of a text: derived from its length and character codes. */
function vectorOf(text: string, dims = DEFAULT_DIMS): number[] {
  return Array.from({ length: dims }, (_, i) => text.length + i / 10 + (text.charCodeAt(i % Math.max(1, text.length)) || 0) / 1000);
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(text);
}

/** Answers as OpenAI does; `shuffle` returns `data` in reverse, `dims` overrides what was asked. */
function openAi(options: { shuffle?: boolean; dims?: number } = {}): Handler {
  return (request, response) => {
    const dims = options.dims ?? request.body.dimensions ?? DEFAULT_DIMS;
    const data = request.body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text, dims) }));
    if (options.shuffle) data.reverse();
    reply(response, 200, { object: "list", data, model: request.body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
  };
}

function embedder(options: Partial<OpenAiEmbedderOptions> = {}) {
  return createOpenAiEmbedder({ baseUrl, model: "test-embed", ...options }, { sleep });
}

async function embedError(promise: Promise<unknown>): Promise<SearchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SearchError);
  expect((error as SearchError).code).toBe("EMBEDDER");
  return error as SearchError;
}

function validationError(options: unknown): SearchError {
  try {
    createOpenAiEmbedder(options as OpenAiEmbedderOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(SearchError);
    expect((error as SearchError).code).toBe("VALIDATION");
    return error as SearchError;
  }
  throw new Error("expected a VALIDATION error");
}

/** Every message and stack in an error's cause chain, plus its data, as one string. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? "", JSON.stringify((current as { data?: unknown }).data ?? null));
  }
  return parts.join("\n");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as RecordedRequest["body"],
      };
      requests.push(request);
      if (request.path !== "/v1/embeddings") return reply(res, 404, { error: { message: `Unknown path ${request.path}` } });
      handler(request, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  sleeps = [];
  handler = openAi();
});

describe("createOpenAiEmbedder against an OpenAI-compatible server", () => {
  it("sends batches of batchSize in order and returns one vector per text, in order", async () => {
    const texts = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const vectors = await embedder({ batchSize: 2 }).embed(texts);
    expect(vectors).toEqual(texts.map((text) => vectorOf(text)));
    expect(requests.map((r) => r.body.input)).toEqual([["alpha", "beta"], ["gamma", "delta"], ["epsilon"]]);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/v1/embeddings" });
    expect(requests[0]?.headers["content-type"]).toBe("application/json");
    expect(requests[0]?.body).toEqual({ model: "test-embed", input: ["alpha", "beta"], encoding_format: "float" });
  });

  it("keeps the order of the texts when the server returns data shuffled", async () => {
    handler = openAi({ shuffle: true });
    const texts = ["a", "bb", "ccc", "dddd"];
    expect(await embedder({ batchSize: 3 }).embed(texts)).toEqual(texts.map((text) => vectorOf(text)));
    expect(requests).toHaveLength(2);
  });

  it("returns [] for no texts without asking the server", async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(requests).toHaveLength(0);
  });

  it("accepts a trailing slash on baseUrl", async () => {
    await embedder({ baseUrl: `${baseUrl}/` }).embed(["x"]);
    expect(requests[0]?.path).toBe("/v1/embeddings");
  });

  it("sends the key as a bearer token only when one is given", async () => {
    await embedder({ apiKey: KEY }).embed(["x"]);
    await embedder().embed(["x"]);
    await embedder({ apiKey: "  " }).embed(["x"]);
    expect(requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, undefined, undefined]);
  });

  it("learns the dimension from the first answer when none is given", async () => {
    const e = embedder();
    expect(e.id).toBe("openai:test-embed");
    expect(e.dimension).toBeUndefined();
    await e.embed(["x"]);
    expect(e.dimension).toBe(DEFAULT_DIMS);
  });

  it("asks for dimensions, names them in the id and checks them in the answer", async () => {
    const e = embedder({ dimensions: 3 });
    expect(e.id).toBe("openai:test-embed@3");
    expect(e.dimension).toBe(3);
    expect(await e.embed(["abc", "de"])).toEqual([vectorOf("abc", 3), vectorOf("de", 3)]);
    expect(requests[0]?.body.dimensions).toBe(3);

    handler = openAi({ dims: 5 }); // a server that ignores `dimensions`
    const error = await embedError(embedder({ dimensions: 3 }).embed(["abc"]));
    expect(error.message).toMatch(/5 dimensions where 3 were expected/);
    expect(error.message).toMatch(/remove dimensions or set it to 5/);
    expect(error.data).toMatchObject({ reason: "invalid-response", attempts: 1 });
  });

  it("retries a 429 after the Retry-After the server asked for, then succeeds", async () => {
    handler = (request, response, count) =>
      count === 1
        ? reply(response, 429, { error: { message: "Rate limit reached" } }, { "Retry-After": "2" })
        : openAi()(request, response, count);
    expect(await embedder().embed(["x"])).toEqual([vectorOf("x")]);
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it("caps a long Retry-After at 30 s", async () => {
    handler = (request, response, count) =>
      count === 1 ? reply(response, 503, "busy", { "Retry-After": "3600" }) : openAi()(request, response, count);
    await embedder().embed(["x"]);
    expect(sleeps).toEqual([30_000]);
  });

  it("retries a 500 with jittered backoff, then succeeds", async () => {
    handler = (request, response, count) =>
      count === 1 ? reply(response, 500, { error: { message: "boom" } }) : openAi()(request, response, count);
    expect(await embedder().embed(["x"])).toEqual([vectorOf("x")]);
    expect(requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
  });

  it("waits for real between retries when no sleep is injected", async () => {
    handler = (request, response, count) => (count === 1 ? reply(response, 502, "") : openAi()(request, response, count));
    const e = createOpenAiEmbedder({ baseUrl, model: "m", retryBaseDelayMs: 5 });
    expect(await e.embed(["x"])).toEqual([vectorOf("x")]);
  });

  it("gives up after maxRetries with a message naming the status, the server's words and the attempts", async () => {
    handler = (_request, response) => reply(response, 503, { error: { message: "model is loading" } });
    const error = await embedError(embedder({ maxRetries: 3 }).embed(["x"]));
    expect(requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[1]).toBeGreaterThanOrEqual(500);
    expect(sleeps[2]).toBeGreaterThanOrEqual(1000);
    expect(error.message).toBe(
      `Embedding request to ${baseUrl}/embeddings failed after 4 attempts: HTTP 503 Service Unavailable: "model is loading" — the server failed; check its logs.`,
    );
    expect(error.data).toEqual({ reason: "http", status: 503, url: `${baseUrl}/embeddings`, attempts: 4 });
  });

  it("does not retry when maxRetries is 0", async () => {
    handler = (_request, response) => reply(response, 500, "");
    const error = await embedError(embedder({ maxRetries: 0 }).embed(["x"]));
    expect(requests).toHaveLength(1);
    expect(error.data).toMatchObject({ attempts: 1 });
  });

  it("fails a 401 at once, pointing at the key setting", async () => {
    handler = (_request, response) => reply(response, 401, { error: { message: "Invalid API key" } });
    const withKey = await embedError(embedder({ apiKey: KEY }).embed(["x"]));
    expect(withKey.message).toBe(
      `Embedding request to ${baseUrl}/embeddings failed: HTTP 401 Unauthorized: "Invalid API key" — check KMCP_EMBEDDING_API_KEY.`,
    );
    expect(withKey.data).toEqual({ reason: "http", status: 401, url: `${baseUrl}/embeddings`, attempts: 1 });
    const withoutKey = await embedError(embedder({ apiKeyName: "EMBED_KEY" }).embed(["x"]));
    expect(withoutKey.message).toMatch(/the server wants an API key; set EMBED_KEY\.$/);
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it("hints at the /v1 suffix and the model on a 404 (Ollama's error string included)", async () => {
    handler = (_request, response) => reply(response, 404, { error: 'model "nope" not found, try pulling it first' });
    const error = await embedError(embedder({ model: "nope" }).embed(["x"]));
    expect(error.message).toContain(': "model "nope" not found, try pulling it first" — ');
    expect(error.message).toMatch(/baseUrl ends in \/v1 .* model "nope" exists on the server/);
    expect(requests).toHaveLength(1);

    const wrongPath = await embedError(embedder({ baseUrl: baseUrl.replace(/\/v1$/, "") }).embed(["x"]));
    expect(wrongPath.message).toMatch(/HTTP 404 .*Unknown path \/embeddings.*baseUrl ends in \/v1/);
  });

  it("fails a 400 at once and takes vLLM's error shape", async () => {
    handler = (_request, response) => reply(response, 400, { object: "error", message: "input too long", type: "BadRequestError" });
    const error = await embedError(embedder({ dimensions: 2 }).embed(["x"]));
    expect(error.message).toMatch(/HTTP 400 Bad Request: "input too long" — .*supports dimensions=2.*context length/);
    expect(requests).toHaveLength(1);
  });

  it("truncates a long server message to about 300 characters", async () => {
    handler = (_request, response) => reply(response, 422, { error: { message: "x".repeat(5000) } });
    const error = await embedError(embedder().embed(["x"]));
    expect(error.message).toContain(`"${"x".repeat(300)}…"`);
    expect(error.message.length).toBeLessThan(600);
  });

  it("rejects an answer that is not JSON, without retrying", async () => {
    handler = (_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end("<!DOCTYPE html><html><body>Welcome</body></html>");
    };
    const error = await embedError(embedder().embed(["x"]));
    expect(error.message).toMatch(/returned an unusable answer: the body is not JSON \(it starts "<!DOCTYPE html>/);
    expect(error.data).toMatchObject({ reason: "invalid-response", status: 200, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it("rejects an answer of the wrong shape", async () => {
    handler = (_request, response) => reply(response, 200, { data: [{ index: 0, embedding: "AAAAAA==" }] });
    const error = await embedError(embedder().embed(["x"]));
    expect(error.message).toMatch(/does not have the shape .*data\.0\.embedding/);
  });

  it("rejects non-finite numbers", async () => {
    handler = (_request, response) => reply(response, 200, '{"data":[{"index":0,"embedding":[1, 1e999]}]}');
    const error = await embedError(embedder().embed(["x"]));
    expect(error.data).toMatchObject({ reason: "invalid-response" });
  });

  it("rejects an answer with the wrong number of embeddings", async () => {
    handler = (request, response) => reply(response, 200, { data: [{ index: 0, embedding: vectorOf(request.body.input[0] ?? "") }] });
    const error = await embedError(embedder().embed(["a", "b", "c"]));
    expect(error.message).toMatch(/1 embedding\(s\) for 3 texts — .*batchSize 1/);
  });

  it("rejects repeated or out-of-range indexes", async () => {
    handler = (_request, response) =>
      reply(response, 200, { data: [{ index: 1, embedding: [1] }, { index: 1, embedding: [2] }] });
    expect((await embedError(embedder().embed(["a", "b"]))).message).toMatch(/indexes are not 0\.\.1/);
  });

  it("rejects vectors of inconsistent length, within an answer and across calls", async () => {
    handler = (_request, response) =>
      reply(response, 200, { data: [{ index: 0, embedding: [1, 2, 3] }, { index: 1, embedding: [1, 2] }] });
    const within = await embedError(embedder().embed(["a", "b"]));
    expect(within.message).toMatch(/embedding 1 has 2 dimensions where 3 were expected — the server mixes vector sizes/);

    const e = embedder();
    handler = openAi({ dims: 4 });
    await e.embed(["a"]);
    handler = openAi({ dims: 5 });
    const across = await embedError(e.embed(["a"]));
    expect(across.message).toMatch(/5 dimensions where 4 were expected — the server's model changed/);
    expect(e.dimension).toBe(4);
  });

  it("says the server is not reachable when the connection is refused, after retrying", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/v1`;
    const error = await embedError(embedder({ baseUrl: url, maxRetries: 2, apiKey: KEY }).embed(["x"]));
    expect(error.message).toBe(
      `Embedding request to ${url}/embeddings failed after 3 attempts: the server is not reachable at ${url} (connection refused) — check that it is running and that baseUrl is right.`,
    );
    expect(error.data).toEqual({ reason: "unreachable", status: undefined, url: `${url}/embeddings`, attempts: 3 });
    expect(sleeps).toHaveLength(2);
    expect(error.cause).toBeInstanceOf(Error);
    expect(everythingIn(error)).toContain("ECONNREFUSED");
    expect(everythingIn(error)).not.toContain(KEY);
  });

  it("times out on a server that never answers, and retries", async () => {
    handler = () => {
      // Never answer; the client's timeout has to end the attempt.
    };
    const started = Date.now();
    const error = await embedError(embedder({ timeoutMs: 100, maxRetries: 1 }).embed(["x"]));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.message).toMatch(/failed after 2 attempts: no answer within 100 ms — .*raise timeoutMs\.$/);
    expect(error.data).toMatchObject({ reason: "timeout", attempts: 2 });
    expect(requests).toHaveLength(2);
  });

  it("never lets the key out, even when the server echoes it", async () => {
    const echo: Handler = (request, response) =>
      reply(response, 401, {
        error: {
          message: `Incorrect API key provided: ${request.headers.authorization?.slice(7)}; got header ${request.headers.authorization}; prefix ${KEY.slice(0, 14)}…`,
        },
      });
    handler = echo;
    const unauthorized = await embedError(embedder({ apiKey: KEY }).embed(["x"]));
    expect(unauthorized.message).toContain("Incorrect API key provided: ***");
    expect(unauthorized.data).toMatchObject({ status: 401, attempts: 1 });
    expect(everythingIn(unauthorized)).not.toContain(KEY);
    expect(everythingIn(unauthorized)).not.toContain(KEY.slice(0, 14));

    // Echoed in a retried error and in the status line too.
    handler = (request, response) => {
      response.writeHead(500, `Bad ${KEY}`, { "Content-Type": "text/plain" });
      response.end(`auth was ${request.headers.authorization}`);
    };
    const retried = await embedError(embedder({ apiKey: KEY, maxRetries: 1 }).embed(["x"]));
    expect(retried.data).toMatchObject({ status: 500, attempts: 2 });
    expect(everythingIn(retried)).not.toContain(KEY);
  });
});

describe("createOpenAiEmbedder options", () => {
  it("rejects bad options naming the field, never echoing a secret", () => {
    expect(validationError({ model: "m" }).message).toMatch(/baseUrl/);
    expect(validationError({ baseUrl: "ftp://host/v1", model: "m" }).message).toMatch(/baseUrl: must be an http:\/\/ or https:\/\/ URL/);
    expect(validationError({ baseUrl: "not a url", model: "m" }).message).toMatch(/baseUrl/);
    const withCredentials = validationError({ baseUrl: "https://user:hunter2@api.example.com/v1", model: "m" });
    expect(withCredentials.message).toMatch(/baseUrl: must not contain credentials/);
    expect(withCredentials.message).not.toContain("hunter2");
    expect(validationError({ baseUrl: "http://h/v1/embeddings", model: "m" }).message).toMatch(/stop before \/embeddings/);
    expect(validationError({ baseUrl: "http://h/v1?x=1", model: "m" }).message).toMatch(/query string/);
    expect(validationError({ baseUrl: "http://h/v1", model: "" }).message).toMatch(/model/);
    expect(validationError({ baseUrl: "http://h/v1", model: "  " }).message).toMatch(/model/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", batchSize: 0 }).message).toMatch(/batchSize/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", batchSize: 4096 }).message).toMatch(/batchSize/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", maxRetries: 11 }).message).toMatch(/maxRetries/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", dimensions: 1.5 }).message).toMatch(/dimensions/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", dimensions: 0 }).message).toMatch(/dimensions/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", timeoutMs: -1 }).message).toMatch(/timeoutMs/);
    expect(validationError({ baseUrl: "http://h/v1", model: "m", batch_size: 8 }).message).toMatch(/batch_size/);
    const badKey = validationError({ baseUrl: "http://h/v1", model: "m", apiKey: "sk-abc def-secret" });
    expect(badKey.message).toMatch(/apiKey: must be printable ASCII without spaces/);
    expect(badKey.message).not.toContain("secret");
    expect(validationError(undefined).message).toMatch(/Invalid OpenAI embedder options/);
  });

  it("accepts the documented server URLs", () => {
    for (const url of ["https://api.openai.com/v1", "http://localhost:11434/v1", "http://localhost:8000/v1/", "http://[::1]:1234/v1"]) {
      expect(createOpenAiEmbedder({ baseUrl: url, model: "m" }).id).toBe("openai:m");
    }
  });
});
