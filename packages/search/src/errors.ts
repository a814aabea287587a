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
export class SearchError extends Error {
  override readonly name = "SearchError";
  readonly code: SearchErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: SearchErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

export function isSearchError(error: unknown, code?: SearchErrorCode): error is SearchError {
  return error instanceof SearchError && (code === undefined || error.code === code);
}
