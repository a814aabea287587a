import { redactSecrets } from "./redact.js";

// Marks every kmcp error, whichever copy of this package made it: the CLI's light sync command
// (one bundled file) loads its own copy beside the installed packages it imports lazily
// (@kmcp/local-servers), and their errors must still map to the right exit codes.
const KMCP_ERROR = Symbol.for("@kmcp/core:KmcpError");

/**
 * The one base of every error kmcp throws. Messages are redacted: a URL's credentials never reach one. Each package keeps its own subclass and its own
 * union of codes (DbError, ChromaStoreError, ...), so callers branch on `code` and the apps map
 * every known code exhaustively (exit codes, MCP failures).
 */
export abstract class KmcpError<C extends string = string> extends Error {
  abstract override readonly name: string;
  readonly code: C;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: C, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}
Object.defineProperty(KmcpError.prototype, KMCP_ERROR, { value: true });

/**
 * The type guard of one error class, optionally narrowed to a code:
 * `export const isDbError = errorGuard(DbError)` gives `isDbError(error, "NOT_FOUND")`.
 */
export function errorGuard<C extends string, E extends KmcpError<C>>(
  type: abstract new (...args: never[]) => E,
): (error: unknown, code?: C) => error is E {
  return (error: unknown, code?: C): error is E => error instanceof type && (code === undefined || error.code === code);
}

/** True for any kmcp error, optionally with the given code. */
export function isKmcpError(error: unknown, code?: string): error is KmcpError {
  return error instanceof Error && KMCP_ERROR in error && (code === undefined || (error as { code?: unknown }).code === code);
}

/** What @kmcp/core itself refuses: bad input to its parsers (URLs, cursors, schemas). */
export type CoreErrorCode = "VALIDATION";

export class CoreError extends KmcpError<CoreErrorCode> {
  override readonly name = "CoreError";
}

export const isCoreError = errorGuard(CoreError);
