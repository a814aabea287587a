import { ChromaStoreError, type ChromaStoreErrorCode } from "./errors.js";
import { redactSecrets } from "@kmcp/core";

// Socket-level failures that mean "nobody answered", as Node's fetch reports them in `cause`.
const UNREACHABLE_SYSCALL_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

// chromadb's error classes, by name: matching names rather than classes keeps working when the
// client is loaded twice (its ESM and CJS builds define separate classes).
const CODE_BY_CHROMA_ERROR: Record<string, ChromaStoreErrorCode> = {
  ChromaConnectionError: "UNREACHABLE",
  ChromaNotFoundError: "NOT_FOUND",
  ChromaUniqueError: "CONFLICT",
  ChromaClientError: "VALIDATION",
  ChromaValueError: "VALIDATION",
  InvalidArgumentError: "VALIDATION",
  InvalidCollectionError: "NOT_FOUND",
  // ChromaUnauthorizedError (a 401) names itself ChromaAuthError.
  ChromaAuthError: "UNAUTHORIZED",
  ChromaUnauthorizedError: "UNAUTHORIZED",
  ChromaForbiddenError: "UNAUTHORIZED",
};

function codeOf(error: unknown): ChromaStoreErrorCode {
  if (!(error instanceof Error)) return "UNKNOWN";
  const mapped = CODE_BY_CHROMA_ERROR[error.name];
  if (mapped) return mapped;
  if (error.name === "TimeoutError" || error.name === "AbortError") return "TIMEOUT";
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE_SYSCALL_CODES.has(code)) return "UNREACHABLE";
  }
  if (error.name === "TypeError" && /fetch failed|failed to fetch/i.test(error.message)) return "UNREACHABLE";
  return "UNKNOWN";
}

// Chroma Cloud answers a request over one of its quotas (records per write, results per read…)
// with 422 and a message starting "Quota exceeded"; the client raises ChromaQuotaExceededError.
const QUOTA_ERRORS = new Set(["ChromaQuotaExceededError", "ChromaRateLimitError"]);

function detailOf(error: unknown, secrets: readonly string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text, secrets).slice(0, 500);
}

/**
 * The package's one translation boundary: any failure from the chromadb client or the network
 * becomes a ChromaStoreError whose message names the operation and what to do next.
 */
export function translateChromaError(error: unknown, operation: string, displayUrl: string, secrets: readonly string[] = []): ChromaStoreError {
  if (error instanceof ChromaStoreError) return error;
  const where = `Chroma at ${redactSecrets(displayUrl, secrets)}`;
  const detail = () => detailOf(error, secrets);
  if (error instanceof Error && QUOTA_ERRORS.has(error.name)) {
    return new ChromaStoreError(
      "VALIDATION",
      `${where} refused the request as over its quota while ${operation} (${detail()}); lower the store's maxBatchSize, maxResults or maxConcurrentRequests to the server's quotas.`,
      { cause: error, data: { operation, reason: "quota" } },
    );
  }
  const code = codeOf(error);
  const messages: Record<ChromaStoreErrorCode, string> = {
    UNREACHABLE: `Cannot reach ${where} while ${operation}; check that the server is running and the URL is right.`,
    TIMEOUT: `${where} did not answer while ${operation} (${detail()}); check the server's health or raise requestTimeoutMs.`,
    VALIDATION: `${where} rejected the request while ${operation}: ${detail()}`,
    NOT_FOUND: `${where} has no such tenant, database or collection (${operation}); check the tenant, database and collectionPrefix options.`,
    CONFLICT: `${where} already has that resource (${operation}): ${detail()}`,
    CORRUPT: `${where} returned data this package cannot read while ${operation}: ${detail()}`,
    UNAUTHORIZED: `${where} refused the request while ${operation}; check the API key or the credentials in the URL.`,
    UNKNOWN: `${where} failed while ${operation}: ${detail()}`,
  };
  return new ChromaStoreError(code, messages[code], { cause: error, data: { operation } });
}
