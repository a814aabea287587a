import type { Collection, Metadata } from "chromadb";

/** Where the server's REST API is and what every request carries (auth headers), for the writes this package sends itself. */
export interface RestEndpoint {
  /** Base URL without credentials (they travel in `headers`). */
  baseUrl: string;
  headers: Readonly<Record<string, string>> | undefined;
  /** A request still unanswered after this is aborted. */
  timeoutMs: number;
}

/** One upsert's records, as the chunk store writes them (ids unique, one vector per record). */
export interface UpsertRecords {
  ids: string[];
  embeddings: readonly (readonly number[])[];
  documents: string[];
  metadatas: Metadata[];
}

/**
 * A vector in Chroma's base64 wire format: its float32 bytes in the platform's order (little-endian
 * on every platform Node runs), as the chromadb client's embeddingsToBase64Bytes sends them, encoded
 * by Buffer in one pass (the client builds a one-character string per byte: ~30× the CPU).
 */
export function vectorToBase64(embedding: readonly number[]): string {
  return Buffer.from(Float32Array.from(embedding).buffer).toString("base64");
}

// Named as the chromadb client names its errors for these answers (see its chromaFetch), so the
// package's one translation boundary (translateChromaError) maps both paths alike.
function errorFor(status: number, message: string | undefined): Error {
  const named = (name: string, text: string) => Object.assign(new Error(text), { name });
  switch (status) {
    case 400:
      return named("ChromaClientError", `Bad request: ${message ?? "Bad Request"}`);
    case 401:
      return named("ChromaUnauthorizedError", "Unauthorized");
    case 403:
      return named("ChromaForbiddenError", "You do not have permission to access the requested resource.");
    case 404:
      return named("ChromaNotFoundError", "The requested resource could not be found");
    case 409:
      return named("ChromaUniqueError", "The resource already exists");
    case 422:
      return /^(Quota|Billing limit) exceeded/.test(message ?? "")
        ? named("ChromaQuotaExceededError", message as string)
        : named("ChromaClientError", message ?? "Unprocessable Entity");
    case 429:
      return named("ChromaRateLimitError", "Rate limit exceeded");
    default:
      return named("ChromaServerError", `${status}${message ? `: ${message}` : ""}`);
  }
}

async function messageOf(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "message" in body && typeof body.message === "string") return body.message;
  } catch {
    // Not JSON: the text itself, if any.
  }
  return text.trim().slice(0, 500) || undefined;
}

/**
 * Upsert records into `collection` with one POST to Chroma's REST upsert endpoint (the one the
 * chromadb client's Collection.upsert calls, with the same body), vectors base64-encoded.
 * Failures are thrown as the chromadb client would throw them; the caller translates them.
 */
export async function restUpsert(endpoint: RestEndpoint, collection: Pick<Collection, "tenant" | "database" | "id">, records: UpsertRecords): Promise<void> {
  const path = ["tenants", collection.tenant, "databases", collection.database, "collections", collection.id, "upsert"].map(encodeURIComponent).join("/");
  const response = await fetch(`${endpoint.baseUrl}/api/v2/${path}`, {
    method: "POST",
    headers: { ...endpoint.headers, "Content-Type": "application/json" },
    body: JSON.stringify({ ...records, embeddings: records.embeddings.map(vectorToBase64) }),
    signal: AbortSignal.timeout(endpoint.timeoutMs),
  });
  if (!response.ok) throw errorFor(response.status, await messageOf(response));
  // Read to the end, so the connection goes back to the pool.
  await response.arrayBuffer();
}
