/** What went wrong, as a stable string a caller can branch on. */
export type DbErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_TRANSITION"
  | "UNREACHABLE"
  | "TIMEOUT"
  | "MIGRATION"
  | "UNKNOWN";

/** The one error type @kmcp/db throws. Messages never contain credentials. */
export class DbError extends Error {
  override readonly name = "DbError";
  readonly code: DbErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: DbErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

export function isDbError(error: unknown, code?: DbErrorCode): error is DbError {
  return error instanceof DbError && (code === undefined || error.code === code);
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::[^\s/@]*)?@/gi;

/**
 * Removes credentials from text: `user:password@` in any URL becomes `user:***@`, and any
 * of the given secrets (e.g. the password of the configured database URL) becomes `***`.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user ? `${user}:***` : "***"}@`);
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join("***");
  }
  return out;
}
