import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The error @kmcp/search throws itself (DbError and ChromaStoreError pass through as they are).
 * Its code: `VALIDATION` (bad input; nothing was changed), `EMBEDDER` (the embedder failed:
 * network, HTTP error, malformed answer), `EMBEDDER_MISMATCH` (the chunk collection was made by
 * another embedder or dimension than the one asked to use it), `READ` (a file could not be read).
 */
export class SearchError extends KmcpError<"VALIDATION" | "EMBEDDER" | "EMBEDDER_MISMATCH" | "READ"> {
  override readonly name = "SearchError";
}
export type SearchErrorCode = SearchError["code"];
export const isSearchError = errorGuard(SearchError);
