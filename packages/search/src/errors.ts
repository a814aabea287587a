import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type SearchErrorCode =
  /** Bad input to a call; nothing was changed. */
  | "VALIDATION"
  /** The embedder failed (network, HTTP error, malformed answer). */
  | "EMBEDDER"
  /** The chunk collection was made by another embedder or dimension than the one asked to use it. */
  | "EMBEDDER_MISMATCH"
  /** A file could not be read. */
  | "READ";

/** The error @kmcp/search throws itself; DbError and ChromaStoreError pass through as they are. */
export class SearchError extends KmcpError<SearchErrorCode> {
  override readonly name = "SearchError";
}

export function isSearchError(error: unknown, code?: SearchErrorCode): error is SearchError {
  return error instanceof SearchError && (code === undefined || error.code === code);
}
