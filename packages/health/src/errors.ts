/** What went wrong, as a stable string a caller can branch on. */
export type HealthErrorCode =
  /** The options given to createHealthCheck() or createHealthHandler() are invalid. */
  "VALIDATION";

/** The error @kmcp/health throws; only for bad options. Checks never throw, they report. */
export class HealthError extends Error {
  override readonly name = "HealthError";
  readonly code: HealthErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: HealthErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

export function isHealthError(error: unknown, code?: HealthErrorCode): error is HealthError {
  return error instanceof HealthError && (code === undefined || error.code === code);
}
