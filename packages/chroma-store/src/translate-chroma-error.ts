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

function detailOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text).slice(0, 500);
}

/**
 * The package's one translation boundary: any failure from the chromadb client or the network
 * becomes a ChromaStoreError whose message names the operation and what to do next.
 */
export function translateChromaError(error: unknown, operation: string, displayUrl: string): ChromaStoreError {
  if (error instanceof ChromaStoreError) return error;
  const code = codeOf(error);
  const where = `Chroma at ${redactSecrets(displayUrl)}`;
  const messages: Record<ChromaStoreErrorCode, string> = {
    UNREACHABLE: `Cannot reach ${where} while ${operation}; check that the server is running and the URL is right.`,
    TIMEOUT: `${where} did not answer while ${operation} (${detailOf(error)}); check the server's health or raise requestTimeoutMs.`,
    VALIDATION: `${where} rejected the request while ${operation}: ${detailOf(error)}`,
    NOT_FOUND: `${where} has no such tenant, database or collection (${operation}); check the tenant, database and collectionPrefix options.`,
    CONFLICT: `${where} already has that resource (${operation}): ${detailOf(error)}`,
    CORRUPT: `${where} returned data this package cannot read while ${operation}: ${detailOf(error)}`,
    UNAUTHORIZED: `${where} refused the request while ${operation}; check the credentials in the URL.`,
    UNKNOWN: `${where} failed while ${operation}: ${detailOf(error)}`,
  };
  return new ChromaStoreError(code, messages[code], { cause: error, data: { operation } });
}
